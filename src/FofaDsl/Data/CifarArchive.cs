using System.Formats.Tar;

namespace FofaDsl.Data;

/// <summary>
/// The CIFAR binary archives as downloaded (<c>cifar-10-binary.tar.gz</c>, <c>cifar-100-binary.tar.gz</c>), read without
/// unpacking. The gzip layer is verified against its CRC-32 and length and every tar header against its checksum, so a
/// truncated or altered download is refused, naming the archive, before any image is used.
/// </summary>
internal static class CifarArchive
{
    /// <summary>The files <paramref name="wanted"/> from <paramref name="folder"/>/ inside the archive at <paramref name="path"/>.</summary>
    /// <exception cref="DatasetFormatException">The archive is corrupt or truncated, or lacks one of the files.</exception>
    public static IReadOnlyDictionary<string, byte[]> ReadEntries(string path, string folder, IReadOnlyCollection<string> wanted, string hint)
    {
        var tar = GzipFile.Decompress(File.ReadAllBytes(path), path, hint);
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            using var reader = new TarReader(new MemoryStream(tar, writable: false));
            while (reader.GetNextEntry() is { } entry)
            {
                var name = entry.Name.Replace('\\', '/').TrimStart('.', '/');
                var file = name.StartsWith(folder + "/", StringComparison.Ordinal) ? name[(folder.Length + 1)..] : null;
                if (file is null || !wanted.Contains(file) || entry.DataStream is null) continue;

                var data = new MemoryStream();
                entry.DataStream.CopyTo(data);
                if (data.Length != entry.Length)
                    throw new DatasetFormatException($"{path}: the tar entry {name} holds {data.Length} of its {entry.Length} bytes: the archive is truncated; {hint}.", path);
                entries[file] = data.ToArray();
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new DatasetFormatException($"{path}: the archive is corrupt: its tar layer cannot be read ({e.Message}); {hint}.", path, e);
        }

        var missing = wanted.Where(file => !entries.ContainsKey(file)).ToArray();
        if (missing.Length > 0)
        {
            throw new DatasetFormatException(
                $"{path}: the archive lacks {string.Join(", ", missing.Select(file => folder + "/" + file))}: it is truncated or another archive; {hint}.", path);
        }
        return entries;
    }
}
