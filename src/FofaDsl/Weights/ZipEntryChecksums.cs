using System.IO.Compression;
using System.IO.Hashing;

namespace FofaDsl.Weights;

/// <summary>
/// torch.save writes a zip whose entries are stored uncompressed, and .NET's zip reader does not check a stored
/// entry's CRC-32, so a flipped bit inside a tensor would load as a silently different weight. Every entry is read
/// once and checked against the CRC-32 and size the archive records for it.
/// </summary>
internal static class ZipEntryChecksums
{
    /// <summary>Throws a <see cref="WeightLoadException"/> naming <paramref name="path"/> unless every entry matches its CRC-32 and size.</summary>
    public static void Verify(Stream stream, string path)
    {
        stream.Position = 0;
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw Damaged(path, $"its zip directory cannot be read ({e.Message}): the file is truncated or corrupt");
        }

        using (archive)
        {
            var buffer = new byte[1 << 16];
            foreach (var entry in archive.Entries)
            {
                var crc = new Crc32();
                long length = 0;
                try
                {
                    using var content = entry.Open();
                    int read;
                    while ((read = content.Read(buffer)) > 0)
                    {
                        crc.Append(buffer.AsSpan(0, read));
                        length += read;
                    }
                }
                catch (InvalidDataException)
                {
                    // .NET words every inflate failure as "unsupported compression method", which would send the user the wrong way.
                    throw Damaged(path, $"its entry '{entry.FullName}' is compressed and its data does not decode: the file is corrupt");
                }

                if (length != entry.Length)
                    throw Damaged(path, $"its entry '{entry.FullName}' holds {length} bytes where the archive records {entry.Length}: the file is truncated or corrupt");
                if (crc.GetCurrentHashAsUInt32() != entry.Crc32)
                    throw Damaged(path, $"its entry '{entry.FullName}' does not match its CRC-32 ({crc.GetCurrentHashAsUInt32():x8}, recorded {entry.Crc32:x8}): the file is corrupt");
            }
        }
        stream.Position = 0;
    }

    private static WeightLoadException Damaged(string path, string reason) =>
        new($"Cannot load '{path}': {reason}. Download it again, or re-save it in Python with torch.save(model.state_dict(), path).", path);
}
