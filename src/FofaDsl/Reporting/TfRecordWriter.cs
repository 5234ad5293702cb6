using System.Buffers.Binary;

namespace FofaDsl.Reporting;

/// <summary>
/// Frames records as TFRecord does: <c>uint64 length</c>, <c>uint32 masked CRC-32C of the
/// length</c>, the data, <c>uint32 masked CRC-32C of the data</c>, all little-endian.
/// </summary>
internal static class TfRecordWriter
{
    /// <summary>Writes one framed record to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.ComputeMasked(header[..8]));
        stream.Write(header);
        stream.Write(data);

        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.ComputeMasked(data));
        stream.Write(footer);
    }
}
