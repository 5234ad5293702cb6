#!/usr/bin/env bash
# Installs what FofaDsl needs on a fresh machine and touches nothing that is already fine.
#  1. libstdc++ with GLIBCXX_3.4.32: TorchSharp 0.107's native library (libtorch 2.10) is built
#     with GCC 13; Debian 12 ships GCC 12's libstdc++ (3.4.30), so the library fails to load.
#     Fix: Debian 13 ("trixie") as an extra apt source pinned at priority 100 (never preferred
#     for anything else), then `apt-get install -t trixie libstdc++6` only.
#  2. Disk space: a first restore unpacks ~3 GB of NuGet packages (libtorch for every platform,
#     SkiaSharp); a full disk shows up later as a confusing MSBuild copy error, so check first.
#  3. Open MPI (openmpi-bin: mpirun; libopenmpi3: libmpi.so.40) for data-parallel training on several processes
#     (eng/mpi/run-tests.sh runs two ranks in ./build.sh test). FofaDsl binds Open MPI's C library itself.
#  4. Fashion-MNIST IDX files from Debian's dataset-fashion-mnist, only when asked
#     (FOFA_FULL_DATA=1): the quickstart uses the subset embedded in the repository.
set -euo pipefail

say() { echo "[prerequisites] $*"; }

libstdcxx_ok() {
  local lib
  for lib in /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6 /usr/lib/aarch64-linux-gnu/libstdc++.so.6; do
    [ -e "$lib" ] && grep -qa 'GLIBCXX_3\.4\.32' "$lib" && return 0
  done
  return 1
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if libstdcxx_ok; then
  say "libstdc++ has GLIBCXX_3.4.32: nothing to do."
else
  if [ ! -r /etc/os-release ] || ! grep -q '^ID=debian' /etc/os-release; then
    say "ERROR: libstdc++ lacks GLIBCXX_3.4.32, which TorchSharp 0.107 needs, and this is not Debian."
    say "       Install libstdc++ from GCC 13 or newer with your package manager, then run again."
    exit 1
  fi
  say "libstdc++ lacks GLIBCXX_3.4.32 (TorchSharp 0.107 needs GCC 13's)."
  say "Adding Debian 13 (trixie) as an apt source pinned at priority 100 and installing libstdc++6 from it."
  as_root tee /etc/apt/sources.list.d/fofadsl-trixie.sources >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  as_root tee /etc/apt/preferences.d/fofadsl-trixie-pin >/dev/null <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq -t trixie libstdc++6 >/dev/null
  if libstdcxx_ok; then say "libstdc++ now has GLIBCXX_3.4.32."; else say "ERROR: libstdc++ still lacks GLIBCXX_3.4.32."; exit 1; fi
fi

# Free MiB on the file system holding $1 (or its nearest existing parent).
free_mib() {
  local dir="$1"
  while [ ! -e "$dir" ]; do dir="$(dirname "$dir")"; done
  df -Pm "$dir" | awk 'NR == 2 { print $4 }'
}

nuget_cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
# Measured: a whole test run adds ~50 MiB with the packages cached; a first restore adds ~2.7 GiB.
if [ -d "$nuget_cache/libtorch-cpu-linux-x64" ]; then need_mib=256; what="build outputs and test files"
else need_mib=3584; what="a first restore (~2.7 GB of packages in $nuget_cache), build outputs and test files"; fi
have_mib="$(free_mib "$nuget_cache")"
repo_mib="$(free_mib "$(pwd)")"
[ "$repo_mib" -lt "$have_mib" ] && have_mib="$repo_mib"
if [ "$have_mib" -lt "$need_mib" ]; then
  say "ERROR: only ${have_mib} MiB free; FofaDsl needs about ${need_mib} MiB for $what."
  say "       Free disk space, or point NUGET_PACKAGES at a larger disk, then run again."
  exit 1
fi
say "disk: ${have_mib} MiB free (needs about ${need_mib} MiB)."

if command -v mpirun >/dev/null 2>&1 && ldconfig -p 2>/dev/null | grep 'libmpi\.so\.40 ' >/dev/null; then
  say "Open MPI is installed ($(mpirun --version 2>/dev/null | head -1))."
elif [ -r /etc/os-release ] && grep -q '^ID=debian' /etc/os-release; then
  say "Installing Debian's Open MPI (openmpi-bin, libopenmpi3): data-parallel training and its tests run under mpirun."
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq openmpi-bin libopenmpi3 >/dev/null
  say "Open MPI installed ($(mpirun --version 2>/dev/null | head -1))."
else
  say "WARNING: Open MPI (mpirun, libmpi.so.40) is missing and this is not Debian: install Open MPI 4 for data-parallel"
  say "         training; its tests (eng/mpi/run-tests.sh) will fail without it."
fi

if [ "${FOFA_FULL_DATA:-0}" = 1 ]; then
  if dpkg -s dataset-fashion-mnist >/dev/null 2>&1; then
    say "dataset-fashion-mnist is installed."
  else
    say "Installing Debian's dataset-fashion-mnist (full Fashion-MNIST, IDX files)."
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq dataset-fashion-mnist >/dev/null
  fi
fi

if ! command -v dotnet >/dev/null 2>&1; then
  say "ERROR: the .NET SDK (10.0) is not on PATH. Install it, then run again."
  exit 1
fi
