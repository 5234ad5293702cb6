using System.Buffers.Binary;
using System.Text;

namespace FofaDsl.Reporting;

/// <summary>
/// The few protobuf wire-format encodings a TensorBoard scalar event needs: varints, 64- and
/// 32-bit fixed fields and length-delimited fields. Enough for <c>Event</c>, <c>Summary</c> and
/// <c>Summary.Value</c> without a protobuf package.
/// </summary>
internal sealed class ProtobufWriter
{
    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLengthDelimited = 2;
    private const int WireFixed32 = 5;

    private readonly MemoryStream buffer = new();

    /// <summary>The bytes written so far.</summary>
    public byte[] ToArray() => buffer.ToArray();

    /// <summary>Writes a <c>double</c> field.</summary>
    public void WriteDouble(int field, double value)
    {
        WriteTag(field, WireFixed64);
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
        buffer.Write(bytes);
    }

    /// <summary>Writes a <c>float</c> field.</summary>
    public void WriteFloat(int field, float value)
    {
        WriteTag(field, WireFixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        buffer.Write(bytes);
    }

    /// <summary>Writes an <c>int64</c> field (a negative value takes ten bytes, as protobuf says).</summary>
    public void WriteInt64(int field, long value)
    {
        WriteTag(field, WireVarint);
        WriteVarint(unchecked((ulong)value));
    }

    /// <summary>Writes a <c>string</c> field as UTF-8.</summary>
    public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>Writes a <c>bytes</c> or embedded-message field.</summary>
    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, WireLengthDelimited);
        WriteVarint((ulong)value.Length);
        buffer.Write(value);
    }

    private void WriteTag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        buffer.WriteByte((byte)value);
    }
}
