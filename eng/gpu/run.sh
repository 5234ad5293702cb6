#!/usr/bin/env bash
# FofaDsl on a real NVIDIA GPU (issue "Training on a real NVIDIA GPU"), in two halves. docs/gpu.md says
# how to call it through the device tool and what to record.
#
#   eng/gpu/run.sh pack     HERE (needs .NET): publishes eng/gpu/GpuBench framework-dependent and packs it
#                           with this machine's .NET runtime (host, hostfxr, Microsoft.NETCore.App) and
#                           TorchSharp's libLibTorchSharp.so -- but no libtorch -- into artifacts/gpu/
#                           (two .tar.xz files and a manifest), and prints their size.
#   eng/gpu/run.sh device   ON THE GPU MACHINE (no .NET, no network, PyTorch installed), from the repository
#                           root with artifacts/gpu carried: unpacks, loads libLibTorchSharp.so against the
#                           installed PyTorch's torch/lib, checks which symbols it lacks, then times training
#                           steps in .NET and in PyTorch eager (eng/gpu/eager_reference.py), one process per
#                           measurement, and writes $OUT/gpu-report.md (also printed at the end).
#
# Environment for `device`: GPU_BENCH_DEVICE (cuda; cpu runs the same path on a machine without a GPU,
# with TorchSharp's own libtorch from the NuGet cache when PyTorch is not installed),
# GPU_BENCH_WARMUP (5), GPU_BENCH_STEPS (20), GPU_BENCH_PAIRS ("quickstart paper"),
# GPU_BENCH_PAPER_BATCH (64), GPU_BENCH_BUDGET (seconds for the whole half, 420),
# GPU_BENCH_LIBTORCH (a libtorch lib folder to use instead of PyTorch's), OUT (artifacts/gpu-out).
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUNDLE=artifacts/gpu

# ---------------------------------------------------------------------------------------------- pack

pack() {
  set -e
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
  bash eng/prerequisites.sh
  local work=artifacts/gpu-work
  rm -rf "$work" "$BUNDLE"
  mkdir -p "$work/app" "$work/compat" "$BUNDLE"

  echo "[pack] publishing eng/gpu/GpuBench (framework-dependent, linux-x64, TorchSharp-cpu build)"
  dotnet publish eng/gpu/GpuBench/FofaDsl.GpuBench.csproj -c Release -r linux-x64 --self-contained false \
    -p:UseAppHost=false -o "$work/publish" -nologo -v quiet -clp:ErrorsOnly
  # Managed assemblies, the runtime config and TorchSharp's native glue only: libtorch comes from the GPU
  # machine's PyTorch. No deps.json, so the host takes every assembly of the folder and looks for native
  # libraries there and on LD_LIBRARY_PATH (a deps.json would name the libtorch files left out).
  cp "$work/publish/"*.dll "$work/publish/FofaDsl.GpuBench.runtimeconfig.json" "$work/publish/libLibTorchSharp.so" "$work/app/"
  cp "$work/publish/FofaDsl.GpuBench.pdb" "$work/publish/FofaDsl.pdb" "$work/publish/Quickstart.pdb" "$work/app/"
  # This machine's libstdc++ (GCC 14, GLIBCXX_3.4.33), used there only if the system's lacks GLIBCXX_3.4.32.
  cp -L /usr/lib/x86_64-linux-gnu/libstdc++.so.6 "$work/compat/libstdc++.so.6"

  local line version framework dotnet_root fxr
  line=$(dotnet --list-runtimes | grep '^Microsoft.NETCore.App 10\.' | sort -V -k2 | tail -1)
  version=$(echo "$line" | awk '{print $2}')
  framework=$(echo "$line" | sed 's/.*\[\(.*\)\]$/\1/')
  dotnet_root=$(dirname "$(dirname "$framework")")
  fxr=$(ls "$dotnet_root/host/fxr" | sort -V | tail -1)
  echo "[pack] .NET runtime $version and hostfxr $fxr from $dotnet_root"
  local licenses=()
  for f in LICENSE.txt ThirdPartyNotices.txt; do [ -f "$dotnet_root/$f" ] && licenses+=("$f"); done
  tar -C "$dotnet_root" -cf - dotnet "host/fxr/$fxr" "shared/Microsoft.NETCore.App/$version" "${licenses[@]}" \
    | xz -9 -T2 > "$BUNDLE/dotnet-runtime.tar.xz"
  tar -C "$work" -cf - app compat | xz -9 -T2 > "$BUNDLE/gpu-bench.tar.xz"

  local torchsharp commit
  torchsharp=$(sed -n 's/.*Include="TorchSharp" Version="\([^"]*\)".*/\1/p' Directory.Packages.props)
  commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  git diff --quiet HEAD 2>/dev/null || commit="$commit+uncommitted"
  {
    echo "packed_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit=$commit"
    echo "dotnet_runtime=$version"
    echo "torchsharp=$torchsharp"
    echo "torchsharp_libtorch=2.10.0"
    (cd "$BUNDLE" && sha256sum dotnet-runtime.tar.xz gpu-bench.tar.xz | sed 's/^\([0-9a-f]*\)  \(.*\)$/sha256 \2=\1/')
  } > "$BUNDLE/manifest.txt"
  rm -rf "$work"

  local bytes
  bytes=$(du -cb "$BUNDLE"/* | tail -1 | cut -f1)
  echo "[pack] $BUNDLE:"
  ls -l "$BUNDLE" | tail -n +2
  awk -v b="$bytes" 'BEGIN { printf "[pack] total %.1f MiB (the device tool carries at most 64 MiB with the working tree)\n", b / 1048576 }'
  if [ "$bytes" -gt $((56 * 1048576)) ]; then
    echo "[pack] ERROR: over 56 MiB, too little room left for the working tree." >&2
    return 1
  fi
}

# -------------------------------------------------------------------------------------------- device

now() { date +%s; }

# Seconds a phase may take: what it asks for, capped so the whole half ends inside GPU_BENCH_BUDGET.
phase_limit() {
  local want=$1 left
  left=$((BUDGET - ($(now) - START) - 10))
  [ "$left" -lt "$want" ] && want=$left
  echo "$want"
}

# run_limited NAME SECONDS FILE COMMAND...: runs COMMAND under a timeout, output to the log and FILE.
run_limited() {
  local name=$1 limit=$2 file=$3
  shift 3
  if [ "$limit" -lt 5 ]; then
    echo "skipped: time budget spent" > "$file"
    echo "[$name] skipped: time budget spent"
    return 200
  fi
  echo "[$name] (limit ${limit}s) $*"
  timeout -k 5 "$limit" "$@" 2>&1 | tee "$file"
  return "${PIPESTATUS[0]}"
}

describe_status() {
  case $1 in
    0) echo "ok" ;;
    124 | 137) echo "timed out" ;;
    127) echo "failed (exit 127: symbol lookup or missing command)" ;;
    134) echo "aborted (SIGABRT)" ;;
    139) echo "crashed (SIGSEGV)" ;;
    200) echo "skipped (time budget)" ;;
    *) echo "failed (exit $1)" ;;
  esac
}

# Field KEY of the last RESULT line of FILE.
result_field() { grep '^RESULT ' "$2" 2>/dev/null | tail -1 | tr ' ' '\n' | sed -n "s/^$1=//p"; }

gpu_memory_used() {
  timeout 10 nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -i 0 2>/dev/null | head -1 | tr -d ' '
}

# measure NAME FILE COMMAND...: one measurement with its own timeout and a 100 ms nvidia-smi sampler;
# sets STATUS and PEAK_MIB (peak memory.used during the run minus before it, "n/a" without nvidia-smi).
measure() {
  local name=$1 file=$2 samples="$2.memory" before sampler=""
  shift 2
  PEAK_MIB="n/a"
  before=""
  if [ "$HAVE_SMI" = 1 ]; then
    before=$(gpu_memory_used)
    nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -i 0 -lms 100 > "$samples" 2>/dev/null &
    sampler=$!
  fi
  run_limited "$name" "$(phase_limit "$CASE_LIMIT")" "$file" "$@"
  STATUS=$?
  if [ -n "$sampler" ]; then
    kill "$sampler" 2>/dev/null
    wait "$sampler" 2>/dev/null
    local peak
    peak=$(tr -d ' ' < "$samples" | grep -E '^[0-9]+$' | sort -n | tail -1)
    [ -n "$peak" ] && [ -n "$before" ] && PEAK_MIB=$((peak - before))
  fi
  if [ "$STATUS" != 0 ] && [ "$STATUS" != 200 ]; then
    {
      echo "### $name: $(describe_status "$STATUS")"
      echo '```'
      tail -n 25 "$file"
      echo '```'
      echo
    } >> "$FAILURES"
  fi
}

cell_time() { # STATUS FILE -> "ms" or the status
  if [ "$1" = 0 ] && [ -n "$(result_field ms "$2")" ]; then result_field ms "$2"; else describe_status "$1"; fi
}

device() {
  DEVICE=${GPU_BENCH_DEVICE:-cuda}
  WARMUP=${GPU_BENCH_WARMUP:-5}
  STEPS=${GPU_BENCH_STEPS:-20}
  PAIRS=${GPU_BENCH_PAIRS:-quickstart paper}
  PAPER_BATCH=${GPU_BENCH_PAPER_BATCH:-64}
  BUDGET=${GPU_BENCH_BUDGET:-420}
  CASE_LIMIT=${GPU_BENCH_CASE_LIMIT:-100}
  START=$(now)
  local work=${GPU_BENCH_WORK:-${TMPDIR:-/tmp}/fofa-gpu-bench}
  local logs="$work/logs"
  rm -rf "$work"
  mkdir -p "$work/dotnet" "$logs"
  REPORT="$OUT/gpu-report.md"
  FAILURES="$logs/failures.md"
  : > "$FAILURES"

  echo "== FofaDsl GPU run: device=$DEVICE warmup=$WARMUP steps=$STEPS pairs='$PAIRS' budget=${BUDGET}s"
  local manifest="$BUNDLE/manifest.txt"
  if [ ! -f "$manifest" ]; then
    echo "ERROR: $manifest is missing: run 'eng/gpu/run.sh pack' here first and carry artifacts/gpu." | tee "$REPORT"
    return 1
  fi
  cat "$manifest"

  # --- environment
  HAVE_SMI=0
  local gpu="none (nvidia-smi not found)"
  if command -v nvidia-smi >/dev/null 2>&1 && [ "$DEVICE" != cpu ]; then
    HAVE_SMI=1
    gpu=$(timeout 20 nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader -i 0 2>&1 | head -1)
  elif command -v nvidia-smi >/dev/null 2>&1; then
    gpu="$(timeout 20 nvidia-smi --query-gpu=name --format=csv,noheader -i 0 2>&1 | head -1) (not used: GPU_BENCH_DEVICE=cpu)"
  fi
  echo "GPU: $gpu"
  local python_info="python3 not found" have_torch=0 torch_dir=""
  if command -v python3 >/dev/null 2>&1; then
    run_limited "pytorch info" "$(phase_limit 60)" "$logs/python-info.txt" python3 eng/gpu/eager_reference.py info
    if [ $? = 0 ] && grep -q '^python ' "$logs/python-info.txt"; then
      have_torch=1
      python_info=$(grep -E '^(python|device 0)' "$logs/python-info.txt" | paste -sd ';' | sed 's/;/; /g')
      torch_dir=$(timeout 60 python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))' 2>/dev/null | tail -1)
    else
      python_info="$(python3 --version 2>&1), torch not importable: $(tail -1 "$logs/python-info.txt")"
    fi
  fi
  echo "Python: $python_info"

  # --- unpack
  local app="$work/app" dotnet="$work/dotnet/dotnet"
  (cd "$BUNDLE" && sed -n 's/^sha256 \([^=]*\)=\(.*\)$/\2  \1/p' manifest.txt | sha256sum -c --quiet) \
    || echo "WARNING: the carried archives do not match manifest.txt"
  timeout 120 tar -xJf "$BUNDLE/dotnet-runtime.tar.xz" -C "$work/dotnet" \
    && timeout 60 tar -xJf "$BUNDLE/gpu-bench.tar.xz" -C "$work" \
    || { echo "ERROR: unpacking failed" | tee "$REPORT"; return 1; }
  local runtimes
  runtimes=$(DOTNET_ROOT="$work/dotnet" timeout 30 "$dotnet" --list-runtimes 2>&1 | paste -sd ';')
  echo ".NET (carried): $runtimes"

  # --- the libtorch to load against
  local torch_lib="" torch_source
  if [ -n "${GPU_BENCH_LIBTORCH:-}" ]; then
    torch_lib=$GPU_BENCH_LIBTORCH
    torch_source="GPU_BENCH_LIBTORCH"
  elif [ -n "$torch_dir" ] && [ -d "$torch_dir/lib" ]; then
    torch_lib="$torch_dir/lib"
    torch_source="PyTorch's torch/lib"
  elif [ "$DEVICE" = cpu ]; then
    torch_lib=$(ls -d "${NUGET_PACKAGES:-$HOME/.nuget/packages}"/libtorch-cpu-linux-x64/*/runtimes/linux-x64/native 2>/dev/null | sort -V | tail -1)
    torch_source="TorchSharp's own libtorch (NuGet cache; CPU rehearsal)"
  fi
  echo "libtorch: ${torch_lib:-not found} ($torch_source)"
  # The wheels' CUDA libraries (cuBLAS, cuDNN, ...) sit in site-packages/nvidia/*/lib; libtorch_cuda's
  # RPATH finds them, but naming them too costs nothing.
  local cuda_dirs=""
  if [ -n "$torch_dir" ]; then
    cuda_dirs=$(ls -d "$(dirname "$torch_dir")"/nvidia/*/lib 2>/dev/null | paste -sd ':')
  fi
  local compat=""
  if ! grep -qa 'GLIBCXX_3\.4\.32' /usr/lib/x86_64-linux-gnu/libstdc++.so.6 2>/dev/null; then
    compat="$work/compat"
    echo "The system libstdc++ lacks GLIBCXX_3.4.32: using the carried one."
  fi
  DOTNET_LD_PATH=$(echo "$torch_lib:$cuda_dirs:$compat:${LD_LIBRARY_PATH:-}" | tr -s ':' | sed 's/^://; s/:$//')
  # Every .NET process: the carried runtime, libtorch from LD_LIBRARY_PATH only. NUGET_PACKAGES points
  # nowhere so that TorchSharp's fallback (copying libtorch out of a NuGet cache) cannot hide a failed
  # load in a rehearsal on a machine that has the cache.
  DOTNET_ENV=(DOTNET_ROOT="$work/dotnet" DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
    NUGET_PACKAGES="$work/no-nuget-cache" LD_LIBRARY_PATH="$DOTNET_LD_PATH")

  # --- symbols: what libLibTorchSharp.so (built against libtorch 2.10) needs that this libtorch lacks
  local symbols_line="not checked (no libtorch found)" missing_count="?" tf32=on
  : > "$OUT/missing-symbols.txt"
  if [ -n "$torch_lib" ]; then
    # shellcheck disable=SC2086
    run_limited "symbols" "$(phase_limit 90)" "$logs/symbols.txt" \
      python3 eng/gpu/elf_symbols.py missing "$app/libLibTorchSharp.so" "$torch_lib" ${cuda_dirs//:/ } --out "$OUT/missing-symbols.txt"
    symbols_line=$(grep -m1 'undefined global symbols' "$logs/symbols.txt")
    missing_count=$(grep -c . "$OUT/missing-symbols.txt")
    echo "[ldd -r] loader's view of libLibTorchSharp.so with LD_LIBRARY_PATH=$DOTNET_LD_PATH"
    LD_LIBRARY_PATH=$DOTNET_LD_PATH timeout 60 ldd -r "$app/libLibTorchSharp.so" > "$logs/ldd.txt" 2>&1
    grep -E 'torch|c10|stdc\+\+|not found|undefined symbol' "$logs/ldd.txt" | head -40
    if command -v nm >/dev/null 2>&1; then
      # A second opinion with binutils, limited to libtorch's namespaces (at, c10, torch, caffe2).
      run_limited "nm" "$(phase_limit 90)" "$logs/nm.txt" bash eng/gpu/nm_check.sh "$app/libLibTorchSharp.so" "$torch_lib" "$logs"
    fi
    if grep -q 'AllowTF32' "$OUT/missing-symbols.txt"; then
      tf32=default
      echo "TorchSharp's TF32 setters are among the missing symbols: libtorch's default TF32 settings for .NET and PyTorch alike."
    fi
  fi

  # --- TorchSharp probe
  run_limited ".NET probe" "$(phase_limit 90)" "$logs/probe.txt" \
    env "${DOTNET_ENV[@]}" \
    "$dotnet" "$app/FofaDsl.GpuBench.dll" probe --device "$DEVICE" --tf32 "$tf32"
  local probe_status=$?
  [ "$probe_status" != 0 ] && { echo "### .NET probe: $(describe_status "$probe_status")"; echo '```'; tail -n 40 "$logs/probe.txt"; echo '```'; echo; } >> "$FAILURES"

  # --- report head
  {
    echo "# FofaDsl on a GPU: training-step times, .NET (TorchSharp) vs PyTorch eager"
    echo
    echo "- Run: $(date -u +%Y-%m-%dT%H:%M:%SZ), device \`$DEVICE\`; bundle $(grep -E '^(commit|packed_utc)=' "$manifest" | paste -sd ' ')"
    echo "- GPU: $gpu"
    echo "- Python: $python_info"
    echo "- .NET: $runtimes (carried); TorchSharp $(sed -n 's/^torchsharp=//p' "$manifest"), built for libtorch $(sed -n 's/^torchsharp_libtorch=//p' "$manifest")"
    echo "- libtorch loaded: \`${torch_lib:-none}\` ($torch_source)"
    echo "- Symbols: ${symbols_line}; missing: $missing_count (list: missing-symbols.txt)"
    echo "- TorchSharp probe: $(describe_status "$probe_status") -- $(grep -E '^(libtorch_cuda|libLibTorchSharp|cuda\.is_available|probe ok|gpu-bench:)' "$logs/probe.txt" | paste -sd ';' | sed 's/;/; /g')"
    echo "- Method: $WARMUP warm-up steps, then the mean of $STEPS steps timed as one block between two device"
    echo "  synchronisations; random images; AdamW lr 1e-4 (PyTorch: its default foreach implementation);"
    if [ "$tf32" = on ]; then echo "  TF32 on for matrix products and cuDNN on both sides."; else echo "  TF32 as libtorch's defaults on both sides (TorchSharp's TF32 setters are missing)."; fi
    echo "  GPU MiB: peak nvidia-smi memory.used during the process minus before it (CUDA context included)."
    echo "  One process per cell. PyTorch's FOFA step is eager_reference.py's, which check-fofa compares with FofaDsl's (eng/bench/pytorch.sh runs that check)."
    echo
    echo "| pair | step | batch | .NET ms/step | .NET img/s | .NET GPU MiB | PyTorch ms/step | PyTorch img/s | PyTorch GPU MiB | .NET / PyTorch time |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  } > "$REPORT"
  local params="$logs/params.md"
  : > "$params"

  # --- measurements: for each pair and step, .NET then PyTorch, one row as soon as both are done
  local pair kind batch
  for pair in $PAIRS; do
    batch=""
    [ "$pair" = paper ] && batch=$PAPER_BATCH
    for kind in supervised kd fofa; do
      local net="$logs/dotnet-$pair-$kind.txt" py="$logs/pytorch-$pair-$kind.txt"
      measure ".NET $pair $kind" "$net" \
        env "${DOTNET_ENV[@]}" \
        "$dotnet" "$app/FofaDsl.GpuBench.dll" step --device "$DEVICE" --pair "$pair" --kind "$kind" \
        --warmup "$WARMUP" --steps "$STEPS" --tf32 "$tf32" ${batch:+--batch "$batch"}
      local net_status=$STATUS net_mib=$PEAK_MIB py_status="" py_mib="" py_cell="-" py_ips="-" ratio="-"
      if [ "$have_torch" = 1 ]; then
        measure "PyTorch $pair $kind" "$py" \
          python3 eng/gpu/eager_reference.py step --device "$DEVICE" --pair "$pair" --kind "$kind" \
          --warmup "$WARMUP" --steps "$STEPS" --tf32 "$tf32" ${batch:+--batch "$batch"}
        py_status=$STATUS
        py_mib=$PEAK_MIB
        py_cell=$(cell_time "$py_status" "$py")
        [ "$py_status" = 0 ] && py_ips=$(result_field ips "$py")
      else
        py_cell="no PyTorch"
        py_mib="-"
      fi
      local net_cell net_ips="-" shown_batch
      net_cell=$(cell_time "$net_status" "$net")
      [ "$net_status" = 0 ] && net_ips=$(result_field ips "$net")
      if [ "$net_status" = 0 ] && [ "$py_status" = 0 ]; then
        ratio=$(awk -v a="$net_cell" -v b="$py_cell" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }')
      fi
      shown_batch=$(result_field batch "$net")
      [ -z "$shown_batch" ] && shown_batch=$(result_field batch "$py")
      echo "| $pair | $kind | ${shown_batch:-?} | $net_cell | $net_ips | $net_mib | $py_cell | $py_ips | $py_mib | $ratio |" >> "$REPORT"
      echo "| $pair | $kind | $(result_field student_params "$net") | $(result_field student_params "$py") | $(result_field teacher_params "$net") | $(result_field teacher_params "$py") | $(result_field trainable_params "$net") |" >> "$params"
    done
  done

  # --- report tail
  {
    echo
    echo "Parameter counts (the same architectures on both sides; teacher 0 = no teacher in that step):"
    echo
    echo "| pair | step | student .NET | student PyTorch | teacher .NET | teacher PyTorch | trained by the step (.NET) |"
    echo "|---|---|---:|---:|---:|---:|---:|"
    cat "$params"
    echo
    if [ -s "$FAILURES" ]; then
      echo "## Failures (last lines of each)"
      echo
      cat "$FAILURES"
    fi
    if [ "$missing_count" != "?" ] && [ "$missing_count" != 0 ]; then
      echo "## Symbols of libLibTorchSharp.so missing from the loaded libtorch (first 40 of $missing_count)"
      echo
      echo '```'
      head -n 40 "$OUT/missing-symbols.txt" | cut -f2
      echo '```'
    fi
    echo
    echo "Whole half: $(( $(now) - START )) s of a ${BUDGET} s budget."
  } >> "$REPORT"
  tar -czf "$OUT/logs.tar.gz" -C "$work" logs 2>/dev/null
  echo
  echo "================================ $REPORT"
  cat "$REPORT"
}

case "${1:-}" in
  pack) pack ;;
  device)
    # $OUT is the device tool's folder that comes back (at most 8 files): the report, this log, the
    # missing-symbol list and logs.tar.gz with every phase's output.
    OUT=${OUT:-$ROOT/artifacts/gpu-out}
    mkdir -p "$OUT"
    device 2>&1 | tee "$OUT/gpu-run.log"
    exit "${PIPESTATUS[0]}"
    ;;
  *)
    sed -n '2,21p' "$0"
    exit 2
    ;;
esac
