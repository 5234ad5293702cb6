using System.Buffers.Binary;
using System.Text;
using FofaDsl.Reporting;

namespace FofaDsl.Tests.Reporting;

/// <summary>One decoded TensorBoard <c>Event</c>: its time, step, and either a file version or scalars.</summary>
internal sealed record DecodedEvent(double WallTime, long Step, string? FileVersion, IReadOnlyList<(string Tag, float Value)> Scalars);

/// <summary>
/// A reader independent of the writer's encoder: checks every TFRecord frame's CRCs and decodes
/// the protobuf wire format field by field, failing on anything unexpected.
/// </summary>
internal static class EventFileReader
{
    public static List<DecodedEvent> Read(string path)
    {
        byte[] bytes;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }

        var events = new List<DecodedEvent>();
        int at = 0;
        while (at < bytes.Length)
        {
            Assert.True(bytes.Length - at >= 12, "truncated record header");
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at, 8));
            uint lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8, 4));
            Assert.Equal(Masked(bytes.AsSpan(at, 8)), lengthCrc);
            at += 12;

            Assert.True((ulong)(bytes.Length - at) >= length + 4, "truncated record data");
            var data = bytes.AsSpan(at, (int)length);
            uint dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + (int)length, 4));
            Assert.Equal(Masked(data), dataCrc);
            events.Add(DecodeEvent(data));
            at += (int)length + 4;
        }
        return events;
    }

    // The mask written out from its definition, not taken from the writer.
    private static uint Masked(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32C.Compute(data);
        return unchecked(((crc >> 15) | (crc << 17)) + 0xA282EAD8u);
    }

    private static DecodedEvent DecodeEvent(ReadOnlySpan<byte> data)
    {
        double wallTime = 0;
        long step = 0;
        string? fileVersion = null;
        var scalars = new List<(string, float)>();
        var reader = new WireReader(data.ToArray());
        while (!reader.AtEnd)
        {
            var (field, wireType) = reader.ReadTag();
            switch (field, wireType)
            {
                case (1, 1): wallTime = BitConverter.Int64BitsToDouble((long)reader.ReadFixed64()); break;
                case (2, 0): step = (long)reader.ReadVarint(); break;
                case (3, 2): fileVersion = Encoding.UTF8.GetString(reader.ReadLengthDelimited()); break;
                case (5, 2): scalars.AddRange(DecodeSummary(reader.ReadLengthDelimited())); break;
                default: Assert.Fail($"unexpected Event field {field} with wire type {wireType}"); break;
            }
        }
        return new DecodedEvent(wallTime, step, fileVersion, scalars);
    }

    private static IEnumerable<(string, float)> DecodeSummary(byte[] data)
    {
        var reader = new WireReader(data);
        var values = new List<(string, float)>();
        while (!reader.AtEnd)
        {
            var (field, wireType) = reader.ReadTag();
            Assert.Equal((1, 2), (field, wireType));
            values.Add(DecodeValue(reader.ReadLengthDelimited()));
        }
        return values;
    }

    private static (string, float) DecodeValue(byte[] data)
    {
        var reader = new WireReader(data);
        string? tag = null;
        float? value = null;
        while (!reader.AtEnd)
        {
            var (field, wireType) = reader.ReadTag();
            switch (field, wireType)
            {
                case (1, 2): tag = Encoding.UTF8.GetString(reader.ReadLengthDelimited()); break;
                case (2, 5): value = BitConverter.Int32BitsToSingle((int)reader.ReadFixed32()); break;
                default: Assert.Fail($"unexpected Value field {field} with wire type {wireType}"); break;
            }
        }
        Assert.NotNull(tag);
        Assert.NotNull(value);
        return (tag, value.Value);
    }

    private sealed class WireReader(byte[] data)
    {
        private int at;

        public bool AtEnd => at >= data.Length;

        public (int Field, int WireType) ReadTag()
        {
            ulong key = ReadVarint();
            return ((int)(key >> 3), (int)(key & 7));
        }

        public ulong ReadVarint()
        {
            ulong result = 0;
            for (int shift = 0; shift < 70; shift += 7)
            {
                byte b = data[at++];
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                    return result;
            }
            throw new InvalidDataException("varint longer than ten bytes");
        }

        public ulong ReadFixed64()
        {
            ulong value = 0;
            for (int i = 0; i < 8; i++)
                value |= (ulong)data[at++] << (8 * i);
            return value;
        }

        public uint ReadFixed32()
        {
            uint value = 0;
            for (int i = 0; i < 4; i++)
                value |= (uint)data[at++] << (8 * i);
            return value;
        }

        public byte[] ReadLengthDelimited()
        {
            int length = (int)ReadVarint();
            var value = data.AsSpan(at, length).ToArray();
            at += length;
            return value;
        }
    }
}
