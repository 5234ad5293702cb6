#!/usr/bin/env bash
# Regenerate the PAT/FOFA whole-training-step reference vectors:
#   tests/FofaDsl.Tests/Methods/Fofa/Reference/{resnet-to-vit,vit-to-resnet}.{safetensors,json}
# by running the authors' code (jimmylin0979/PAT, distillers/pat.py) on the CPU in float64.
#
# Usage: eng/reference/make-pat-vectors.sh [PAT_MIRROR] [EXTRACT_DIR]
#   PAT_MIRROR   bare git mirror of github.com/jimmylin0979/PAT (default /work/.mirror/jimmylin0979+PAT/repo)
#   EXTRACT_DIR  where distillers/ is extracted (default /tmp/pat); it is wiped first
# Needs Debian's /usr/bin/python3 with torch 1.13 and einops (no timm: stand-ins in eng/reference/stand_ins).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mirror="${1:-/work/.mirror/jimmylin0979+PAT/repo}"
src="${2:-/tmp/pat}"
python="${PYTHON:-/usr/bin/python3}"

commit="$(git -C "$mirror" rev-parse HEAD)"
rm -rf "$src"
mkdir -p "$src"
git -C "$mirror" archive "$commit" distillers | tar -x -C "$src"

echo "PAT commit $commit extracted to $src"
PYTHONDONTWRITEBYTECODE=1 "$python" "$here/pat_whole_step.py" --pat-src "$src" --pat-commit "$commit"
