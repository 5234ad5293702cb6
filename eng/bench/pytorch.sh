#!/usr/bin/env bash
# FofaDsl against PyTorch eager on this CPU, side by side: the same training steps (supervised, logit KD, FitNet on
# four stages, FOFA) of the same architectures, each measurement in its own process (so that the peak resident memory
# is the step's own), the two sides alternating within each round and their order swapped every round, since these
# machines are shared and noisy. Prints ms/step and images/s (median and min-max over rounds), the per-round ratio
# FofaDsl / PyTorch (median and min-max), and each process's peak resident memory. PyTorch runs twice: as installed
# (oneDNN's convolutions) and with oneDNN off, the convolution kernels FofaDsl runs on every CPU (Correct numbers on
# every CPU), so the table tells the cost of those kernels from the rest.
#   eng/bench/pytorch.sh [--rounds N] [--threads T] [--pairs quickstart,paper]
# Steps: quickstart (ViT -> ResNet18 at 28 px) at batch 128, paper (ConvNeXt-T -> DeiT-T at 224 px) at batch 8.
# PyTorch: Debian's python3-torch (1.13 on Debian 12), installed here when missing; FofaDsl: eng/gpu/GpuBench.
# Before timing, once per pair, the FOFA check: GpuBench export-fofa writes FofaDsl's FOFA step (weights, two batches,
# loss terms, gradients, float64) and eager_reference.py check-fofa runs its own FOFA step on them and compares, so that
# the FOFA row times the same computation on both sides; its verdict is printed before and after the tables.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=3 threads=1 pairs=quickstart,paper
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --pairs) pairs="$2"; shift 2 ;;
    *) echo "unknown option $1 (use --rounds N, --threads T, --pairs quickstart,paper)" >&2; exit 2 ;;
  esac
done

python=/usr/bin/python3
if ! "$python" -c "import torch" 2>/dev/null; then
  echo "bench: installing Debian's python3-torch (PyTorch for the side-by-side bench)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch >/dev/null
fi
# Debian's torch takes its BLAS from the system; with only the reference libblas3 its linear layers run ~10x slower
# than they should, which would flatter FofaDsl (libtorch with MKL). OpenBLAS is Debian's optimised BLAS.
if ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
  echo "bench: installing libopenblas0-pthread (an optimised BLAS for Debian's PyTorch)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q libopenblas0-pthread >/dev/null
fi
dotnet build eng/gpu/GpuBench -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
bench=eng/gpu/GpuBench/bin/Release/net10.0/FofaDsl.GpuBench.dll
results=$(mktemp)
checks=$(mktemp -d)
trap 'rm -rf "$results" "$checks"' EXIT
export OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads"
echo "bench: PyTorch $("$python" -c 'import torch; print(torch.__version__)') with $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 | sed 's|.*/x86_64-linux-gnu/||'), $threads thread(s) per process, $rounds rounds; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

# A measurement that fails is reported on stderr and left out of the table; the other rows still come.
run_dotnet() { dotnet "$bench" step --device cpu --pair "$1" --kind "$2" --batch "$3" --warmup "$4" --steps "$5" --threads "$threads" | grep '^RESULT' | sed "s/^RESULT/RESULT round=$round/" >>"$results" || echo "bench: FofaDsl $1 $2 failed" >&2; }
run_pytorch() { "$python" eng/gpu/eager_reference.py step --device cpu --pair "$1" --kind "$2" --batch "$3" --warmup "$4" --steps "$5" --threads "$threads" --onednn "$6" | grep '^RESULT' | sed "s/^RESULT/RESULT round=$round/" >>"$results" || echo "bench: PyTorch $1 $2 (oneDNN $6) failed" >&2; }

# The FOFA check (small batches: quickstart 4, paper 2; seconds for the quickstart, about a minute and 0.7 GB of files
# for the paper pair, in float64 on one thread).
verdicts=()
for pair in ${pairs//,/ }; do
  if [ "$pair" = quickstart ]; then check_batch=4; else check_batch=2; fi
  echo "bench: FOFA check, $pair at batch $check_batch" >&2
  if ! dotnet "$bench" export-fofa --pair "$pair" --batch "$check_batch" --out "$checks/$pair" --threads "$threads" >"$checks/$pair.export.txt" 2>&1; then
    cat "$checks/$pair.export.txt" >&2
    verdicts+=("check-fofa: $pair: FofaDsl's export failed, nothing compared")
    continue
  fi
  "$python" eng/gpu/eager_reference.py check-fofa --dir "$checks/$pair" --threads "$threads" | tee "$checks/$pair.check.txt" || true
  verdicts+=("$(grep '^check-fofa: \(ok\|MISMATCH\)' "$checks/$pair.check.txt" || echo "check-fofa: $pair: no verdict (the check failed; see above)")")
  rm -rf "${checks:?}/$pair"
  echo
done

for round in $(seq 1 "$rounds"); do
  for pair in ${pairs//,/ }; do
    if [ "$pair" = quickstart ]; then batch=128 warmup=2 steps=5; else batch=8 warmup=1 steps=2; fi
    for kind in supervised kd fitnet fofa; do
      echo "bench: round $round, $pair, $kind" >&2
      if [ $((round % 2)) -eq 1 ]; then
        run_dotnet "$pair" "$kind" "$batch" "$warmup" "$steps"; run_pytorch "$pair" "$kind" "$batch" "$warmup" "$steps" on
        run_pytorch "$pair" "$kind" "$batch" "$warmup" "$steps" off
      else
        run_pytorch "$pair" "$kind" "$batch" "$warmup" "$steps" off; run_pytorch "$pair" "$kind" "$batch" "$warmup" "$steps" on
        run_dotnet "$pair" "$kind" "$batch" "$warmup" "$steps"
      fi
    done
  done
done

"$python" - "$results" <<'PY'
import statistics, sys
rows = [dict(field.split("=", 1) for field in line.split()[1:]) for line in open(sys.argv[1])]
def pick(impl, pair, kind):
    return {int(r["round"]): r for r in rows if r["impl"] == impl and r["pair"] == pair and r["kind"] == kind}
def spread(values, digits=0):
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"
print("| pair, batch | step | FofaDsl ms/step | PyTorch ms/step | FofaDsl / PyTorch | PyTorch, oneDNN off, ms/step | FofaDsl / PyTorch, oneDNN off | FofaDsl images/s | peak RSS MiB, FofaDsl / PyTorch |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
def versus(ours, theirs):
    """Their ms/step and the per-round ratio of ours to theirs, or dashes when their side did not run."""
    if not theirs:
        return "- | -"
    ratios = [float(ours[k]["ms"]) / float(theirs[k]["ms"]) for k in ours if k in theirs]
    return f"{spread([float(r['ms']) for r in theirs.values()])} | {spread(ratios, 2)}x"
for pair in dict.fromkeys(r["pair"] for r in rows):
    for kind in ("supervised", "kd", "fitnet", "fofa"):
        ours, theirs = pick("dotnet", pair, kind), pick("pytorch", pair, kind)
        if not ours:
            continue
        ms = [float(r["ms"]) for r in ours.values()]
        ips = [float(r["ips"]) for r in ours.values()]
        rss = statistics.median(float(r["peak_rss_mib"]) for r in ours.values())
        batch = next(iter(ours.values()))["batch"]
        their_rss = f"{statistics.median(float(r['peak_rss_mib']) for r in theirs.values()):.0f}" if theirs else "-"
        plain = pick("pytorch-onednn-off", pair, kind)
        print(f"| {pair}, {batch} | {kind} | {spread(ms)} | {versus(ours, theirs)} | {versus(ours, plain)} | {spread(ips)} | {rss:.0f} / {their_rss} |")
print()
print("| pair | FOFA / logit KD, time, FofaDsl / PyTorch | FOFA / FitNet, time, FofaDsl / PyTorch | FOFA / FitNet, peak RSS, FofaDsl / PyTorch |")
print("|---|---:|---:|---:|")
for pair in dict.fromkeys(r["pair"] for r in rows):
    med = lambda impl, kind, field: statistics.median(float(r[field]) for r in pick(impl, pair, kind).values()) if pick(impl, pair, kind) else float("nan")
    ratio = lambda kind, other, field: " / ".join(f"{med(impl, kind, field) / med(impl, other, field):.2f}x" for impl in ("dotnet", "pytorch"))
    print(f"| {pair} | {ratio('fofa', 'kd', 'ms')} | {ratio('fofa', 'fitnet', 'ms')} | {ratio('fofa', 'fitnet', 'peak_rss_mib')} |")
PY
printf '%s\n' "" "${verdicts[@]}"
