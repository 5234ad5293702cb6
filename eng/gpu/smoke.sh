#!/usr/bin/env bash
# CI's cheap check of the GPU kit (a few seconds, CPU only): the scripts parse, and the bench that
# eng/gpu/run.sh ships to a GPU machine runs one FOFA step of each pair (the paper pair at batch 1).
# Usage: eng/gpu/smoke.sh [Release|Debug], after the solution is built.
set -euo pipefail
cd "$(dirname "$0")/../.."
bench="eng/gpu/GpuBench/bin/${1:-Release}/net10.0/FofaDsl.GpuBench.dll"
bash -n eng/gpu/run.sh eng/gpu/nm_check.sh
python3 -m py_compile eng/gpu/eager_reference.py eng/gpu/elf_symbols.py
for case in "quickstart 4" "paper 1"; do
  set -- $case
  dotnet "$bench" step --device cpu --pair "$1" --kind fofa --warmup 0 --steps 1 --batch "$2" | grep '^RESULT '
done
echo "gpu kit smoke: ok"
