#!/usr/bin/env python3
"""Which dynamic symbols a shared library needs that a set of other libraries does not define.

    python3 elf_symbols.py missing TARGET.so PROVIDER_DIR_OR_FILE... [--out FILE]

Reads the ELF dynamic symbol tables directly (no binutils needed, large files are memory-mapped), so it
answers on a machine without nm. A symbol counts as missing when TARGET references it as a global (not
weak) undefined symbol and no provider defines it; providers are every *.so* file of the given folders
and files, plus the system libraries TARGET names in DT_NEEDED (libstdc++, libc, ...), looked up in the
usual system folders. Versions (memcpy@GLIBC_2.14) are ignored: only names are compared.

eng/gpu/run.sh uses it to tell whether TorchSharp's libLibTorchSharp.so (built against libtorch 2.10)
can bind to the libtorch of the PyTorch installed on the GPU machine.
"""
import mmap
import os
import shutil
import struct
import subprocess
import sys

SHT_DYNAMIC = 6
SHT_DYNSYM = 11
DT_NEEDED = 1
STB_GLOBAL, STB_WEAK, STB_GNU_UNIQUE = 1, 2, 10
SYSTEM_DIRS = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib"]


def _c_string(data, offset):
    end = data.find(b"\0", offset)
    return data[offset:end].decode("utf-8", "replace")


def read_dynamic(path):
    """Returns (defined names, global undefined names, DT_NEEDED names) of a 64-bit little-endian ELF file."""
    with open(path, "rb") as handle:
        data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
                raise ValueError(f"{path}: not a 64-bit little-endian ELF file")
            shoff, = struct.unpack_from("<Q", data, 0x28)
            shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
            if shoff == 0 or shnum == 0:
                raise ValueError(f"{path}: no section headers")
            sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
            defined, undefined, needed = set(), set(), []
            for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
                strtab_offset = sections[link][4]
                if kind == SHT_DYNSYM:
                    for at in range(offset, offset + size, entsize or 24):
                        name_offset, info, _other, shndx, _value, _size = struct.unpack_from("<IBBHQQ", data, at)
                        if name_offset == 0:
                            continue
                        bind = info >> 4
                        name = _c_string(data, strtab_offset + name_offset)
                        if shndx != 0 and bind in (STB_GLOBAL, STB_WEAK, STB_GNU_UNIQUE):
                            defined.add(name)
                        elif shndx == 0 and bind == STB_GLOBAL:
                            undefined.add(name)
                elif kind == SHT_DYNAMIC:
                    for at in range(offset, offset + size, entsize or 16):
                        tag, value = struct.unpack_from("<qQ", data, at)
                        if tag == 0:
                            break
                        if tag == DT_NEEDED:
                            needed.append(_c_string(data, strtab_offset + value))
            return defined, undefined, needed
        finally:
            data.close()


def provider_files(paths):
    """Every *.so* file of the given folders (not recursive) and the given files themselves."""
    for path in paths:
        if os.path.isdir(path):
            for name in sorted(os.listdir(path)):
                full = os.path.join(path, name)
                if ".so" in name and os.path.isfile(full):
                    yield full
        elif os.path.isfile(path):
            yield path


def system_library(name):
    for folder in SYSTEM_DIRS:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return candidate
    return None


def demangle(names):
    tool = shutil.which("c++filt")
    if not tool or not names:
        return list(names)
    result = subprocess.run([tool], input="\n".join(names), capture_output=True, text=True, timeout=60)
    lines = result.stdout.splitlines()
    return lines if len(lines) == len(names) else list(names)


def missing(target, providers, out_file=None):
    _, undefined, needed = read_dynamic(target)
    files = list(provider_files(providers))
    provided_names = {os.path.basename(f) for f in files}
    for name in needed:
        if name not in provided_names:
            found = system_library(name)
            if found:
                files.append(found)
    defined = set()
    unreadable = []
    for path in files:
        try:
            defined |= read_dynamic(path)[0]
        except (OSError, ValueError) as error:
            unreadable.append(f"{path}: {error}")
    absent = sorted(undefined - defined)
    unresolved_needed = [n for n in needed if n not in {os.path.basename(f) for f in files}]
    print(f"{os.path.basename(target)}: {len(undefined)} undefined global symbols, {len(absent)} not defined by the "
          f"{len(files)} provider libraries")
    if unresolved_needed:
        print("DT_NEEDED libraries not found among the providers: " + ", ".join(unresolved_needed))
    for line in unreadable:
        print("unreadable provider: " + line)
    readable = demangle(absent)
    for mangled, plain in zip(absent, readable):
        print(f"  MISSING {plain}" + (f"    [{mangled}]" if plain != mangled else ""))
    if out_file:
        with open(out_file, "w", encoding="utf-8") as handle:
            for mangled, plain in zip(absent, readable):
                handle.write(f"{mangled}\t{plain}\n")
    return len(absent)


def main(argv):
    if len(argv) < 3 or argv[0] != "missing":
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    out_file = None
    if "--out" in argv:
        at = argv.index("--out")
        out_file = argv[at + 1]
        argv = argv[:at] + argv[at + 2:]
    count = missing(argv[1], argv[2:], out_file)
    # Exit 0 with nothing missing, 1 with something missing: run.sh reports either and goes on.
    return 0 if count == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
