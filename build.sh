#!/usr/bin/env bash
# FofaDsl's entry point: set-up, build, run, test. Every command first installs what a fresh
# machine lacks (eng/prerequisites.sh), announcing each change; on a ready machine it touches nothing.
#
#   ./build.sh quickstart [args]   build and run the quickstart (ViT teacher -> ResNet18 student on
#                                  embedded Fashion-MNIST: scratch vs logit KD vs FOFA, results table)
#   ./build.sh test                build everything and run all tests (what CI runs)
#   ./build.sh build               build everything
#   ./build.sh bench [args]        print benchmark tables (zoo forward times, quickstart step times, fofa-parts);
#                                  ./build.sh bench pytorch: FofaDsl against PyTorch eager, side by side
#
# Environment: TORCH_BACKEND=cuda builds against TorchSharp-cuda-linux (needs a NuGet feed that has it);
#              CONFIGURATION=Debug|Release (default Release).
set -euo pipefail
cd "$(dirname "$0")"

configuration="${CONFIGURATION:-Release}"
backend="${TORCH_BACKEND:-cpu}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

build() {
  dotnet build FofaDsl.sln -c "$configuration" -p:TorchBackend="$backend" -nologo -v quiet -clp:ErrorsOnly
}

# Runs a script suite that ends with "<name>: N passed, M failed" and adds its counts; a suite that stopped before
# that line counts as one failure.
run_suite() {
  local name="$1" script="$2" output summary
  output=$(mktemp)
  bash "$script" "$configuration" | tee "$output" || status=1
  summary=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed" "$output" || echo "$name: 0 passed, 1 failed")
  passed=$((passed + $(echo "$summary" | sed -E "s/^$name: ([0-9]+) passed.*/\\1/")))
  failed=$((failed + $(echo "$summary" | sed -E 's/.*, ([0-9]+) failed/\1/')))
  rm -f "$output"
}

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  quickstart)
    bash eng/prerequisites.sh
    dotnet build examples/Quickstart -c "$configuration" -p:TorchBackend="$backend" -nologo -v quiet -clp:ErrorsOnly
    exec dotnet run --project examples/Quickstart -c "$configuration" --no-build -- "$@"
    ;;
  test)
    # The full Fashion-MNIST (Debian package) lets one test compare the embedded subset with its source.
    FOFA_FULL_DATA=1 bash eng/prerequisites.sh
    build
    # Native libraries are linked from the NuGet cache (Directory.Build.props); copies would take ~9 GB.
    echo "build outputs: $(du -sch src/*/bin generators/*/bin tests/*/bin examples/*/bin eng/gpu/*/bin 2>/dev/null | tail -1 | cut -f1)"
    log=$(mktemp)
    status=0
    for project in tests/FofaDsl.Generators.Tests tests/FofaDsl.CodeFixes.Tests tests/FofaDsl.Tests; do
      dotnet test "$project" -c "$configuration" --no-build -nologo "$@" 2>&1 | tee -a "$log" || status=1
    done
    passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
    failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
    rm -f "$log"
    # The GPU kit (eng/gpu): its scripts parse and its bench runs a FOFA step on the CPU; counted as one test.
    if bash eng/gpu/smoke.sh "$configuration"; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
    # The packages as a user gets them (eng/consumer-test.sh): pack, dotnet new fofa, build, run; counted as one test.
    if bash eng/consumer-test.sh "$configuration"; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
    # Every example passes check on data in its real format (eng/examples, ~1.5 min); the fault-injection suite
    # (eng/faults: damaged inputs, kills at each checkpoint phase, a full disk, two processes in one folder, ~3 min);
    # data-parallel training on Open MPI (eng/mpi: 2 ranks against 1 process, resume, killed and failing ranks, ~1 min).
    # Each row of theirs is a case.
    run_suite examples eng/examples/check.sh
    run_suite faults eng/faults/run.sh
    run_suite mpi eng/mpi/run-tests.sh
    echo "tests: $passed passed, $failed failed"
    exit "$status"
    ;;
  build)
    bash eng/prerequisites.sh
    build
    ;;
  bench)
    bash eng/prerequisites.sh
    # FofaDsl against PyTorch eager, side by side (eng/bench/pytorch.sh): ./build.sh bench pytorch [--rounds N] [--threads T]
    if [ "${1:-}" = pytorch ]; then shift; exec bash eng/bench/pytorch.sh "$@"; fi
    dotnet build tests/FofaDsl.Benchmarks -c Release -p:TorchBackend="$backend" -nologo -v quiet -clp:ErrorsOnly
    exec dotnet run --project tests/FofaDsl.Benchmarks -c Release --no-build -- "$@"
    ;;
  *)
    sed -n '2,14p' "$0"
    exit 2
    ;;
esac
