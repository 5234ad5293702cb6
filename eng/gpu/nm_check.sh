#!/usr/bin/env bash
# eng/gpu/nm_check.sh LIB LIBTORCH_DIR WORK_DIR: binutils' view of which libtorch symbols (namespaces at,
# c10, torch, caffe2) LIB references that no library of LIBTORCH_DIR defines. A cross-check of
# elf_symbols.py, which also counts system libraries and needs no binutils; run.sh calls both.
set -uo pipefail
lib=$1 torch_lib=$2 work=$3
torch_namespaces='^_Z(TV|TI|TS)?NK?(2at|3c10|5torch|6caffe2)'
nm -D --undefined-only "$lib" | awk '{print $NF}' | sed 's/@.*//' | grep -E "$torch_namespaces" | sort -u > "$work/nm-undefined.txt"
for provider in "$torch_lib"/*.so*; do nm -D --defined-only "$provider" 2>/dev/null; done \
  | awk '{print $NF}' | sed 's/@.*//' | sort -u > "$work/nm-defined.txt"
comm -23 "$work/nm-undefined.txt" "$work/nm-defined.txt" > "$work/nm-missing.txt"
echo "[nm] $(wc -l < "$work/nm-missing.txt") of $(wc -l < "$work/nm-undefined.txt") libtorch-namespace symbols undefined in $(basename "$lib") are not defined in $torch_lib"
head -n 20 "$work/nm-missing.txt" | (command -v c++filt >/dev/null && c++filt || cat) | sed 's/^/  nm missing: /'
# The defined list is tens of megabytes with CUDA's libtorch: not worth bringing back.
rm -f "$work/nm-defined.txt"
