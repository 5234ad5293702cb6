#!/usr/bin/env bash
# Every example passes `check` (builds each run's graph and trains one step of each on a few images) on data in its
# real format: the embedded Fashion-MNIST, and CIFAR-100 binaries that this script writes (a few records), since
# CIFAR cannot be downloaded here. Prints a line per example and "examples: N passed, M failed".
# Usage: eng/examples/check.sh [Release|Debug], after the solution is built. About two minutes.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
configuration="${1:-Release}"
work="$(mktemp -d /tmp/fofa-examples.XXXXXX)"
trap 'rm -rf "$work"' EXIT

python3 - "$work" <<'PY'
import os, sys
root = sys.argv[1]

# CIFAR-100 binary version: records of coarse label, fine label, 3072 pixel bytes (R, G, B planes).
cifar = os.path.join(root, "cifar", "cifar-100-binary")
os.makedirs(cifar)
def records(count, offset):
    return b"".join(bytes([(i + offset) % 20, (7 * (i + offset)) % 100]) + bytes((31 * i + j) % 256 for j in range(3072))
                    for i in range(count))
open(os.path.join(cifar, "train.bin"), "wb").write(records(8, 0))
open(os.path.join(cifar, "test.bin"), "wb").write(records(4, 3))
open(os.path.join(cifar, "fine_label_names.txt"), "w").write("".join(f"fine_{i}\n" for i in range(100)))
open(os.path.join(cifar, "coarse_label_names.txt"), "w").write("".join(f"coarse_{i}\n" for i in range(20)))

PY

passed=0 failed=0
check() { # NAME PROGRAM ARGS...
  local name="$1" program="$2"; shift 2
  local dll="$root/examples/$program/bin/$configuration/net10.0/$program.dll" started=$SECONDS
  if dotnet "$dll" "$@" --threads 2 >"$work/out.txt" 2>&1 && grep -q "^check passed" "$work/out.txt"; then
    passed=$((passed + 1))
    echo "example $name: check passed ($(grep -c 'trainable parameters' "$work/out.txt") runs, $((SECONDS - started)) s)"
  else
    failed=$((failed + 1))
    echo "example $name: FAILED"; tail -20 "$work/out.txt"
  fi
}
check Quickstart Quickstart check
check CnnToVit CnnToVit check
check OwnModel OwnModel check
check PaperAblation PaperAblation check --data "$work/cifar"
for pair in swin-resnet18 vit-mobilenetv2 mixer-resnet18 convnext-resmlp; do
  check "PaperPairs $pair" PaperPairs "$pair" check --data "$work/cifar"
done
echo "examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
