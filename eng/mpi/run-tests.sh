#!/usr/bin/env bash
# Data-parallel training on Open MPI, two ranks on this machine (one thread each), run by ./build.sh test:
#  - equivalence: 2 ranks x 32 images against 1 process x 64 on the same data order give the same losses (steps-*.csv)
#    and weights (teacher and students) after 8 steps, for a supervised run, logit KD and FOFA;
#  - resume: a 2-rank run killed mid-method (both ranks, SIGKILL) and resumed under 2 ranks ends as the uninterrupted one;
#  - faults: a rank killed (SIGKILL) or failing (an error on one rank only) ends the whole job with an error, within a bound.
# Uses eng/mpi/MpiCheck (a BatchNorm-free tiny experiment on the embedded Fashion-MNIST subset; ~1 min).
# Usage: eng/mpi/run-tests.sh [Release|Debug], after the solution is built. Prints a table and "mpi: N passed, M failed".
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
app="$root/eng/mpi/MpiCheck/bin/${1:-Release}/net10.0/FofaDsl.MpiCheck.dll"
[ -f "$app" ] || { echo "mpi: $app is not built; run ./build.sh build first" >&2; echo "mpi: 0 passed, 1 failed"; exit 1; }
command -v mpirun >/dev/null || { echo "mpi: mpirun is not installed (eng/prerequisites.sh installs Open MPI)" >&2; echo "mpi: 0 passed, 1 failed"; exit 1; }
work="$(mktemp -d /tmp/fofa-mpi.XXXXXX)"
trap 'rm -rf "$work"' EXIT
# Root in CI containers; two ranks may exceed the cores Open MPI counts.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1 OMPI_MCA_rmaps_base_oversubscribe=1
passed=0 failed=0
printf '| %-58s | %-5s | %s\n' "case" "exit" "outcome"

# record CASE EXPECTED-EXIT ACTUAL-EXIT PATTERN FILE: PATTERN must be in FILE.
record() {
  local name="$1" expected="$2" actual="$3" pattern="$4" file="$5" verdict
  if { [ "$expected" = nonzero ] && [ "$actual" != 0 ] || [ "$actual" = "$expected" ]; } && grep -Eq -- "$pattern" "$file"; then
    verdict="pass: $(grep -Eo -m1 -- ".{0,50}($pattern).{0,70}" "$file" | head -c 170)"
    passed=$((passed + 1))
  else
    verdict="FAIL (expected exit $expected and /$pattern/): $(tail -4 "$file" | tr '\n' ' ' | head -c 500)"
    failed=$((failed + 1))
  fi
  printf '| %-58s | %-5s | %s\n' "$name" "$actual" "$verdict"
}

single() { dotnet "$app" "$@" --threads 1; }
ranks() { local n="$1"; shift; timeout 300 mpirun -np "$n" dotnet "$app" "$@" --threads 1; }
compare() { dotnet "$app" compare-runs "$@"; }

# --- Equivalence: AdamW for the supervised teacher, scratch and KD; FOFA with SGD, since Adam turns the rounding noise
# of its prompts' near-zero gradients into updates of a full learning rate (see README).
# equivalence LABEL NAME TOLERANCE "METHODS" ARGS...: ARGS trained by 1 process x 64 ($work/NAME-one) and by 2 ranks x 32
# ($work/NAME-two, which must report its data-parallel summary), then METHODS' losses and weights compared within TOLERANCE.
equivalence() {
  local label="$1" name="$2" tolerance="$3" methods="$4" one="$work/$2-one" two="$work/$2-two"
  shift 4
  single train "$@" --out "$one" >"$one.txt" 2>&1
  record "1 process x 64: $label" 0 $? "${methods##* }: top-1" "$one.txt"
  ranks 2 train "$@" --out "$two" >"$two.txt" 2>&1
  record "2 ranks x 32: $label" 0 $? "data-parallel: 2 ranks" "$two.txt"
  # shellcheck disable=SC2086 # METHODS is a list of names
  compare "$one" "$two" "$tolerance" $methods >"$work/compare.txt" 2>&1
  record "2 ranks = 1 process: $label ($tolerance)" 0 $? "^equal" "$work/compare.txt"
  sed 's/^/|   /' "$work/compare.txt"
}

methods=(--methods scratch,kd)
equivalence "supervised teacher, scratch, kd" base 1e-5 "scratch kd" "${methods[@]}"
teacher="$work/base-one/teacher.safetensors"
equivalence "fofa (SGD)" fofa 1e-3 fofa --methods fofa --teacher-weights "$teacher" --optimizer sgd --lr 0.01
# CRD: rank 0 draws the whole global batch's negatives, Z is the global mean and every rank applies the whole global
# batch's memory update, so the banks stay identical across ranks and the run matches one process.
equivalence crd crd 1e-4 crd --methods crd --teacher-weights "$teacher"

# --- Resume: both ranks killed at the 8th step (the teacher's 4, then scratch's 4th; checkpoints every 3 steps), then
# resumed under 2 ranks: the same losses and weights as the uninterrupted 2-rank run, exactly.
ranks 2 train "${methods[@]}" --checkpoint-every 3 --out "$work/straight" >"$work/straight.txt" 2>&1
record "2 ranks, checkpoints every 3 steps (reference)" 0 $? "kd: top-1" "$work/straight.txt"
timeout 300 mpirun -np 2 -x FOFA_FAULT_KILL=step:8 dotnet "$app" train "${methods[@]}" --checkpoint-every 3 --out "$work/resumed" --threads 1 >"$work/killed.txt" 2>&1
record "2 ranks killed at step 8" nonzero $? "killing this process at step" "$work/killed.txt"
ranks 2 resume --out "$work/resumed" >"$work/resume.txt" 2>&1
record "2 ranks resume" 0 $? "resumed from .*scratch" "$work/resume.txt"
compare "$work/straight" "$work/resumed" 0 scratch kd >"$work/compare.txt" 2>&1
record "resumed = uninterrupted (exactly)" 0 $? "^equal" "$work/compare.txt"
# FOFA resumed mid-epoch: its prompts' feedback (the previous step's per-image features) is gathered from every rank
# into the checkpoint and split again by rank on resume. Killed at FOFA's 7th step, resumed from the step-6
# checkpoint (mid-epoch 2, 4 steps an epoch), it must end like the uninterrupted 2-rank run.
fofa_resume=(--methods fofa --teacher-weights "$teacher" --optimizer sgd --lr 0.01 --checkpoint-every 3)
ranks 2 train "${fofa_resume[@]}" --out "$work/fofa-straight" >"$work/fofa-straight.txt" 2>&1
record "2 ranks fofa, checkpoints every 3 steps (reference)" 0 $? "fofa: top-1" "$work/fofa-straight.txt"
timeout 300 mpirun -np 2 -x FOFA_FAULT_KILL=step:7 dotnet "$app" train "${fofa_resume[@]}" --out "$work/fofa-resumed" --threads 1 >"$work/fofa-killed.txt" 2>&1
record "2 ranks fofa killed at step 7" nonzero $? "killing this process at step" "$work/fofa-killed.txt"
ranks 2 resume --out "$work/fofa-resumed" >"$work/fofa-resume.txt" 2>&1
record "2 ranks fofa resume mid-epoch" 0 $? "resumed from .*fofa" "$work/fofa-resume.txt"
compare "$work/fofa-straight" "$work/fofa-resumed" 0 fofa >"$work/compare.txt" 2>&1
record "fofa resumed mid-epoch = uninterrupted (exactly)" 0 $? "^equal" "$work/compare.txt"
cat "$work/compare.txt" | sed 's/^/|   /'

grep -q '"worldSize": 2' "$work/resumed/manifest.json" && echo 'manifest records "worldSize": 2' >"$work/manifest.txt" || echo "no worldSize 2" >"$work/manifest.txt"
record "manifest records the world size" 0 0 '"worldSize": 2' "$work/manifest.txt"

# --- Faults: rank 1 killed at its 3rd step while rank 0 waits in the all-reduce; rank 1 failing alone (its data folder
# does not exist). Each must end the job with an error from mpirun or rank 0 within the bound, never hang.
start=$SECONDS
timeout 120 mpirun -np 2 sh -c '[ "$OMPI_COMM_WORLD_RANK" = 1 ] && export FOFA_FAULT_KILL=step:3; exec dotnet "$0" "$@"' \
  "$app" train --methods scratch --threads 1 --out "$work/kill-one" >"$work/kill-one.txt" 2>&1
code=$?
echo "ended after $((SECONDS - start)) s" >>"$work/kill-one.txt"
[ "$code" = 124 ] && echo "TIMEOUT" >>"$work/kill-one.txt"
record "rank 1 killed: the job ends (bounded, < 120 s)" nonzero $code "rank 1 .*(signal 9|Killed)" "$work/kill-one.txt"
start=$SECONDS
timeout 120 mpirun -np 2 sh -c 'if [ "$OMPI_COMM_WORLD_RANK" = 1 ]; then exec dotnet "$0" "$@" --data /nonexistent; else exec dotnet "$0" "$@"; fi' \
  "$app" train --methods scratch --threads 1 --out "$work/fail-one" >"$work/fail-one.txt" 2>&1
code=$?
[ "$code" = 124 ] && echo "TIMEOUT" >>"$work/fail-one.txt"
record "rank 1 fails: MPI_Abort ends the job (< 120 s)" nonzero $code "\[rank 1\].*MPI_Abort" "$work/fail-one.txt"

echo "mpi: $passed passed, $failed failed"
[ "$failed" = 0 ]
