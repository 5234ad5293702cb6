#!/usr/bin/env bash
# Data-parallel throughput on this machine: training images/s with 1 process and with 2 ranks (one thread each), and the
# gradient all-reduce's cost per step against the step time, for the MpiCheck tiny experiment's runs (eng/mpi/MpiCheck)
# and the quickstart's scratch student. Prints a Markdown table. Usage: eng/mpi/bench.sh [Release|Debug], after a build.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
configuration="${1:-Release}"
check="$root/eng/mpi/MpiCheck/bin/$configuration/net10.0/FofaDsl.MpiCheck.dll"
quickstart="$root/examples/Quickstart/bin/$configuration/net10.0/Quickstart.dll"
work="$(mktemp -d /tmp/fofa-mpi-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1 OMPI_MCA_rmaps_base_oversubscribe=1
mkdir -p "$work/data" && cp "$root"/src/FofaDsl/Data/Embedded/*.gz "$work/data/"

# Mean images/s of a run's steps after its first (which warms up).
rate() { awk -F, 'NR > 2 { s += $NF; n++ } END { if (n) printf "%.0f", s / n; else print "-" }' "$1"; }

echo "| run (global batch 64) | 1 process, images/s | 2 ranks, images/s | speed-up | 2 ranks: step, ms | all-reduce, ms (share) | MB per rank per step |"
echo "|---|---:|---:|---:|---:|---:|---:|"
bench() { # NAME APP RUN ARGS...
  local name="$1" app="$2" run="$3"; shift 3
  dotnet "$app" train "$@" --threads 1 --out "$work/$name-1" >/dev/null 2>&1
  mpirun -np 2 dotnet "$app" train "$@" --threads 1 --out "$work/$name-2" >"$work/$name-2.txt" 2>&1
  local one two line
  one=$(rate "$work/$name-1/steps-$run.csv"); two=$(rate "$work/$name-2/steps-$run.csv")
  line=$(grep -F "data-parallel: 2 ranks x" "$work/$name-2.txt" | grep -F "$(echo "$run" | head -c 3)" | tail -1)
  local step reduce share mb
  step=$(echo "$line" | sed -E 's/.*step ([0-9.]+) ms.*/\1/'); reduce=$(echo "$line" | sed -E 's/.*all-reduce ([0-9.]+) ms.*/\1/')
  share=$(echo "$line" | sed -E 's/.*ms \(([0-9.]+ ?%)\).*/\1/'); mb=$(echo "$line" | sed -E 's/.*, ([0-9.]+) MB per rank.*/\1/')
  echo "| $name | $one | $two | $(awk -v a="$one" -v b="$two" 'BEGIN { if (a > 0) printf "%.2fx", b / a; else print "-" }') | $step | $reduce ($share) | $mb |"
}
bench "MpiCheck scratch (ViT-S-shaped, 32 px)" "$check" scratch --methods scratch --teacher-epochs 0 --epochs 2
bench "MpiCheck kd" "$check" kd --methods kd --epochs 2
bench "MpiCheck fofa" "$check" fofa --methods fofa --epochs 2
bench "quickstart scratch (ResNet18 width 8, 28 px)" "$quickstart" scratch --data "$work/data" --methods scratch --train-limit 512 --epochs 1 --batch-size 64
