#!/usr/bin/env bash
# The path a user takes, end to end, outside the repository: pack FofaDsl and FofaDsl.Templates into a local feed,
# install the template into a throwaway template hive, `dotnet new fofa` a project in a temporary folder, restore it
# from the feed (FofaDsl extracted fresh, everything else from the machine's package cache), build it, run `check`;
# then take the native bundle away and expect FofaDsl's start-up advice, and break the declaration and expect the
# generator's error FOFA004 from the package's analyzers.
# Usage: eng/consumer-test.sh [Release|Debug]; TORCH_BACKEND=cuda picks the template's cuda backend. About a minute.
set -euo pipefail
cd "$(dirname "$0")/.."

configuration="${1:-Release}"
backend="${TORCH_BACKEND:-cpu}"
feed="$PWD/artifacts/feed"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { echo "[consumer] $*"; }
# Runs a step quietly; on failure shows its output and stops.
quietly() {
  local log="$work/step.log"
  if ! "$@" >"$log" 2>&1; then
    say "FAILED: $*"
    tail -40 "$log"
    exit 1
  fi
}

# 1. Both packages, from this commit only (MinVer: the same version for both).
rm -rf "$feed"
quietly dotnet pack src/FofaDsl -c "$configuration" -o "$feed" -nologo
quietly dotnet pack templates/FofaDsl.Templates -c "$configuration" -o "$feed" -nologo
package=$(ls "$feed"/FofaDsl.[0-9]*.nupkg)
version=${package##*/FofaDsl.}
version=${version%.nupkg}
say "packed FofaDsl $version and FofaDsl.Templates $version into artifacts/feed"

# 2. The template, installed where the user's own templates are not touched.
quietly dotnet new install "$feed/FofaDsl.Templates.$version.nupkg" --debug:custom-hive "$work/hive"
project="$work/MyDistillation"
quietly dotnet new fofa --debug:custom-hive "$work/hive" -n MyDistillation -o "$project" \
  --teacher DeiTTiny --student ResNet18 --dataset FashionMnist --backend "$backend"
grep -q "Include=\"FofaDsl\" Version=\"$version\"" "$project/MyDistillation.csproj" || { say "FAILED: the project does not reference FofaDsl $version"; exit 1; }
say "dotnet new fofa: $(cd "$project" && ls | tr '\n' ' ')"

# 3. Restore: the machine's sources plus the feed. A throwaway package folder gets FofaDsl fresh from the feed;
#    the machine's cache is a fallback folder, so TorchSharp-cpu (~1.5 GB) is used where it is, not extracted again.
cache=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
cat >"$project/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="fofadsl-local" value="$feed" />
  </packageSources>
  <fallbackPackageFolders>
    <add key="machine-cache" value="$cache" />
  </fallbackPackageFolders>
</configuration>
XML
# A FofaDsl of this version in the machine's cache (a README walk-through of the same commit) would shadow the feed.
rm -rf "${cache%/}/fofadsl/$version"
export NUGET_PACKAGES="$work/packages"
# Links instead of copies of libtorch in bin/ (as in the repository's own builds): 1.5 GB less to write.
build_options=(-c "$configuration" -nologo -p:CreateSymbolicLinksForCopyLocalIfPossible=true)
quietly dotnet build "$project" "${build_options[@]}"
[ -f "$NUGET_PACKAGES/fofadsl/$version/analyzers/dotnet/cs/FofaDsl.Generators.dll" ] || { say "FAILED: FofaDsl $version was not restored from the feed"; exit 1; }
say "built against FofaDsl $version from the feed"

# 4. The generated program runs.
quietly dotnet run --project "$project" -c "$configuration" --no-build -- check
grep -q '^check passed' "$work/step.log" || { say "FAILED: check did not pass"; tail -20 "$work/step.log"; exit 1; }
say "check: $(grep -E '^(teacher|student) ' "$work/step.log" | tr '\n' ' ')check passed"

# 5. Without a native bundle the program stops at start-up and says which package to add.
sed -i '/Include="TorchSharp-/d' "$project/MyDistillation.csproj"
quietly dotnet build "$project" "${build_options[@]}"
if dotnet run --project "$project" -c "$configuration" --no-build -- check >"$work/no-bundle.log" 2>&1; then
  say "FAILED: check passed without a native bundle"
  exit 1
fi
grep -q 'references one native bundle: TorchSharp-cpu' "$work/no-bundle.log" || { say "FAILED: no advice without a native bundle"; head -c 2000 "$work/no-bundle.log"; exit 1; }
say "without a native bundle: $(grep -o '^error: [^.]*\. An application[^:]*: [^.]*' "$work/no-bundle.log" | head -1)"

# 6. An impossible declaration is a compile error from the package's generator: N/4 = 12.5 is not a square.
sed -i 's/Queries = 64/Queries = 50/' "$project/MyDistillation.cs"
if dotnet build "$project" "${build_options[@]}" >"$work/broken.log" 2>&1; then
  say "FAILED: the build with Queries = 50 succeeded"
  exit 1
fi
grep -q 'error FOFA004' "$work/broken.log" || { say "FAILED: the build failed without FOFA004"; tail -20 "$work/broken.log"; exit 1; }
say "Queries = 50: $(grep -o 'error FOFA004: [^(]*' "$work/broken.log" | head -1)"
say "ok"
