#!/usr/bin/env bash
# The fault-injection suite: every input kind corrupted, a run killed at each checkpoint phase and resumed, a disk
# filled during a checkpoint write, two processes in one folder, a finished run protected from a new one. Each case
# checks the exit code, the message the user reads and the run folder afterwards (nothing lost, nothing mixed);
# resumed runs must end with the weights of an uninterrupted one, byte for byte.
# Runs the built quickstart (examples/Quickstart) on its embedded Fashion-MNIST files at a tiny size (~3 min).
# Usage: eng/faults/run.sh [Release|Debug], after the solution is built. Prints a table and "faults: N passed, M failed".
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
app="$root/examples/Quickstart/bin/${1:-Release}/net10.0/Quickstart.dll"
[ -f "$app" ] || { echo "faults: $app is not built; run ./build.sh build first" >&2; exit 1; }
work="$(mktemp -d /tmp/fofa-faults.XXXXXX)"
cleanup() { mountpoint -q "$work/small" 2>/dev/null && umount "$work/small"; rm -rf "$work"; }
trap cleanup EXIT

# 256 images, batch 64: 4 steps per epoch; the teacher (steps 1-4), then scratch (5-8), then FOFA (9-12).
size=(--threads 1 --train-limit 256 --epochs 1 --teacher-epochs 1 --batch-size 64 --methods scratch,fofa --checkpoint-every 2)
passed=0 failed=0
printf '| %-62s | %-5s | %s\n' "case" "exit" "outcome"

data="$work/data"
mkdir -p "$data"
cp "$root"/src/FofaDsl/Data/Embedded/*.gz "$data/"

quickstart() { dotnet "$app" "$@" >"$work/out.txt" 2>&1; }
output() { tr -d '\r' <"$work/out.txt"; }
weights() { (cd "$1" && sha256sum teacher.safetensors student-scratch.safetensors student-fofa.safetensors 2>/dev/null); }
folder_state() { (cd "$1" 2>/dev/null && find . -type f ! -name '.lock*' -print0 | sort -z | xargs -0 -r sha256sum); }

# record CASE EXPECTED-EXIT ACTUAL-EXIT PATTERN [EXTRA-CHECK-RESULT]: PATTERN must be in the output.
record() {
  local name="$1" expected="$2" actual="$3" pattern="$4" extra="${5:-ok}" verdict
  if [ "$actual" = "$expected" ] && output | grep -Eq -- "$pattern" && [ "$extra" = ok ]; then
    verdict="pass: $(output | grep -Eo -m1 -- ".{0,60}($pattern).{0,60}" | head -c 150)"
    passed=$((passed + 1))
  else
    verdict="FAIL (expected exit $expected and /$pattern/; $extra): $(output | tail -3 | tr '\n' ' ' | head -c 400)"
    failed=$((failed + 1))
  fi
  printf '| %-62s | %-5s | %s\n' "$name" "$actual" "$verdict"
}

# The reference: one uninterrupted run.
quickstart train --data "$data" --out "$work/reference" "${size[@]}"
code=$?
record "reference run, uninterrupted" 0 $code "fofa: top-1"
reference="$(weights "$work/reference")"

# --- Inputs: every kind, damaged every way; check must refuse it by name and write nothing.
damage() { # FILE HOW -> damages FILE in place
  local file="$1" how="$2" length
  length=$(stat -c %s "$file")
  case "$how" in
    flip-*) local offset=$((length - ${how#flip-}))
            printf "$(printf '\\x%02x' $(( $(od -An -tu1 -j "$offset" -N1 "$file") ^ 0x10 )))" \
              | dd of="$file" bs=1 seek="$offset" conv=notrunc status=none ;;
    flip-middle) ;;
    cut-half) truncate -s $((length / 2)) "$file" ;;
    cut-last-byte) truncate -s $((length - 1)) "$file" ;;
    empty) : >"$file" ;;
    folder) rm -f "$file" && mkdir "$file" ;;
  esac
}
for file in train-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
  for how in flip-1 flip-5 flip-77 flip-100 flip-$(( $(stat -c %s "$data/$file") / 2 )) cut-half cut-last-byte empty folder; do
    bad="$work/bad-data"; rm -rf "$bad"; cp -r "$data" "$bad"
    damage "$bad/$file" "$how"
    quickstart check --data "$bad" --out "$work/never"
    code=$?
    pattern="$file.*(corrupt|truncated|empty|folder)|(corrupt|truncated|empty|folder).*$file"
    extra=ok; [ -e "$work/never" ] && extra="--out was created"
    record "dataset $file: ${how/flip-/bit flip at end-}" 1 $code "$pattern" "$extra"
  done
done
# An IDX header that claims more images than the file holds (a valid gzip of a wrong header).
bad="$work/bad-data"; rm -rf "$bad"; cp -r "$data" "$bad"
{ printf '\x00\x00\x08\x03\x7f\xff\xff\xff'; gzip -dc "$data/train-images-idx3-ubyte.gz" | tail -c +9; } | gzip >"$bad/train-images-idx3-ubyte.gz"
quickstart check --data "$bad" --out "$work/never"
record "dataset train-images: header count larger than the data" 1 $? "train-images-idx3-ubyte.*(dimensions|claims|truncated)"

# Weights given on the command line: the reference run's teacher, damaged.
for how in flip-1 flip-60 flip-99 flip-5000 cut-half empty folder text; do
  teacher="$work/teacher-$how.safetensors"
  cp "$work/reference/teacher.safetensors" "$teacher"
  if [ "$how" = text ]; then echo "not weights" >"$teacher"; else damage "$teacher" "$how"; fi
  quickstart train --data "$data" --out "$work/never" --teacher-weights "$teacher" "${size[@]}"
  code=$?
  extra=ok; [ -e "$work/never/manifest.json" ] && extra="a manifest was written"
  record "teacher weights: ${how/flip-/bit flip at end-}" 1 $code "teacher-$how.safetensors.*(corrupt|truncated|empty|folder|not|unknown)" "$extra"
done

# --- Kills at each phase, then resume: the final weights must equal the reference's.
kill_and_resume() { # NAME POINT
  local name="$1" point="$2" out="$work/killed"
  rm -rf "$out"
  FOFA_FAULT_KILL="$point" quickstart train --data "$data" --out "$out" "${size[@]}"
  local code=$?
  record "kill at $name ($point)" 137 $code "killing this process at"
  quickstart resume --out "$out"
  code=$?
  local extra=ok
  [ "$(weights "$out")" = "$reference" ] || extra="weights differ from the uninterrupted run"
  [ -z "$(find "$out" -name '*.tmp')" ] || extra="a .tmp file stayed"
  record "  resume after it" 0 $code "fofa: top-1" "$extra"
}
kill_and_resume "a teacher step" step:3
kill_and_resume "the teacher's checkpoint, written not renamed" last.ckpt:before-rename:1
kill_and_resume "the teacher's checkpoint, renamed not flushed" last.ckpt:after-rename:1
kill_and_resume "the teacher export" teacher.safetensors:before-rename:1
kill_and_resume "a scratch step between checkpoints" step:7
kill_and_resume "the step checkpoint of scratch" last.ckpt:before-rename:4
kill_and_resume "the best checkpoint of scratch" best.ckpt:before-rename:2
kill_and_resume "the student export, between methods" student-scratch.safetensors:after-rename:1
kill_and_resume "the FOFA epoch-end checkpoint" last.ckpt:before-rename:9
kill_and_resume "the metrics plot at the end" accuracy.png:before-rename:1

# A kill before the first manifest leaves no run: a plain train starts it again and says what it cleaned up.
rm -rf "$work/early"
FOFA_FAULT_KILL=manifest.json:before-rename:1 quickstart train --data "$data" --out "$work/early" "${size[@]}"
quickstart train --data "$data" --out "$work/early" "${size[@]}"
code=$?
extra=ok; [ "$(weights "$work/early")" = "$reference" ] || extra="weights differ from the uninterrupted run"
record "kill before the first manifest, then train again" 0 $code "removed .*manifest.json.tmp" "$extra"

# --- Signals from outside: first SIGINT/SIGTERM checkpoints and exits 130/143; resume ends like the reference.
for signal in INT TERM; do
  out="$work/signalled-$signal"
  # Job control on: without it bash starts background jobs with SIGINT ignored, as a terminal's Ctrl-C never reaches them.
  set -m
  dotnet "$app" train --data "$data" --out "$out" "${size[@]}" >"$work/out.txt" 2>&1 &
  pid=$!
  set +m
  for _ in $(seq 1 600); do [ -s "$out/steps-scratch.csv" ] && break; sleep 0.05; done
  kill -s "$signal" $pid
  wait $pid
  code=$?
  expected=130; [ $signal = TERM ] && expected=143
  record "SIG$signal during scratch" $expected $code "resume --out"
  quickstart resume --out "$out"
  code=$?
  extra=ok; [ "$(weights "$out")" = "$reference" ] || extra="weights differ from the uninterrupted run"
  record "  resume after it" 0 $code "fofa: top-1" "$extra"
done

# --- Two processes, one folder: the second is refused naming the first's PID; the first finishes untouched.
out="$work/shared"
dotnet "$app" train --data "$data" --out "$out" "${size[@]}" >"$work/first.txt" 2>&1 &
first=$!
for _ in $(seq 1 600); do [ -s "$out/.lock.pid" ] && break; sleep 0.05; done
quickstart train --data "$data" --out "$out" "${size[@]}" --overwrite
code=$?
record "second process into a running run's folder" 1 $code "in use by another run \\(process $first\\)"
wait $first
first_code=$?
cp "$work/first.txt" "$work/out.txt"
extra=ok; [ "$(weights "$out")" = "$reference" ] || extra="the first run's weights changed"
record "  the first process finishes as if alone" 0 $first_code "fofa: top-1" "$extra"

# --- A finished run is never mixed with a new one.
before="$(folder_state "$work/reference")"
quickstart train --data "$data" --out "$work/reference" "${size[@]}" --lr 1e9
code=$?
extra=ok; [ "$(folder_state "$work/reference")" = "$before" ] || extra="the finished run's files changed"
record "new train (diverging) into a finished run's folder" 2 $code "holds another run" "$extra"
cp -r "$work/reference" "$work/replaced"
quickstart train --data "$data" --out "$work/replaced" "${size[@]}" --lr 1e9 --overwrite
code=$?
extra=ok
[ -e "$work/replaced/student-fofa.safetensors" ] && extra="the old run's export stayed beside the new run"
[ -e "$work/replaced/manifest.json" ] || extra="no manifest: the folder holds no resumable run"
record "--overwrite with a diverging run: NaN, old files gone" 1 $code "not finite|NaN|non-finite" "$extra"

# --- A full disk during a checkpoint write (a real size-limited tmpfs where mounting is allowed).
mkdir -p "$work/small"
if mount -t tmpfs -o size=12m tmpfs "$work/small" 2>/dev/null; then
  quickstart train --data "$data" --out "$work/small/run" "${size[@]}"
  code=$?
  extra=ok; [ -z "$(find "$work/small" -name '*.tmp')" ] || extra="a .tmp file stayed"
  record "disk full (12 MB tmpfs) during a checkpoint" 1 $code "is full .* free" "$extra"
  mount -o remount,size=200m "$work/small"
  quickstart resume --out "$work/small/run"
  code=$?
  extra=ok; [ "$(weights "$work/small/run")" = "$reference" ] || extra="weights differ from the uninterrupted run"
  record "  space freed, resume with no clean-up" 0 $code "fofa: top-1" "$extra"
else
  echo "| disk full: this machine does not allow a tmpfs mount; AtomicFileTests covers it with an injected ENOSPC"
fi

echo "faults: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
