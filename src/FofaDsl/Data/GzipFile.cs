using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.IO.Hashing;

namespace FofaDsl.Data;

/// <summary>
/// A whole gzip file, decompressed and checked against its trailer (the CRC-32 and length of the data it holds). .NET's
/// <see cref="GZipStream"/> checks the trailer only when read to the end, and not at all when the file ends inside it,
/// so a file cut short by a few bytes would be accepted; here every such file is refused, naming it.
/// </summary>
internal static class GzipFile
{
    /// <summary>Whether <paramref name="bytes"/> starts with the gzip signature.</summary>
    public static bool IsGzip(ReadOnlySpan<byte> bytes) => bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;

    /// <summary>The data of the single-member gzip file <paramref name="compressed"/>, verified.</summary>
    /// <exception cref="DatasetFormatException">The file cannot be decoded, or its data does not match its trailer (corrupt or truncated).</exception>
    public static byte[] Decompress(byte[] compressed, string sourceName, string hint)
    {
        var data = new MemoryStream();
        try
        {
            using var gzip = new GZipStream(new MemoryStream(compressed, writable: false), CompressionMode.Decompress);
            gzip.CopyTo(data);
        }
        catch (InvalidDataException e)
        {
            // .NET words every inflate failure as "unsupported compression method", which sends users the wrong way.
            throw new DatasetFormatException($"{sourceName}: the gzip file is corrupt: its compressed data does not decode, or does not match its CRC-32; {hint}.", sourceName, e);
        }
        var bytes = data.ToArray();
        if (compressed.Length < 18)
            throw new DatasetFormatException($"{sourceName}: the gzip file is truncated ({compressed.Length} bytes, shorter than a gzip header and trailer); {hint}.", sourceName);
        var trailer = compressed.AsSpan(compressed.Length - 8);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(trailer), length = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        uint actualCrc = Crc32.HashToUInt32(bytes), actualLength = unchecked((uint)bytes.LongLength);
        if (crc != actualCrc || length != actualLength)
        {
            throw new DatasetFormatException(string.Create(CultureInfo.InvariantCulture,
                $"{sourceName}: the gzip file is corrupt or truncated: its data ({bytes.LongLength} bytes, CRC-32 {actualCrc:x8}) does not match " +
                $"its trailer ({length} bytes, CRC-32 {crc:x8}), so it ends early or was altered; {hint}."), sourceName);
        }
        return bytes;
    }
}
