using System.Buffers.Binary;
using System.Text.Json;

namespace FofaDsl.Weights;

/// <summary>
/// Checks a safetensors header against the file before any tensor is read: the reader we use fills
/// short reads with zeros, so a truncated file would otherwise load silently as zero weights. A file that
/// FofaDsl wrote is also checked against the SHA-256 in its metadata (<see cref="SafetensorsChecksum"/>).
/// </summary>
internal static class SafetensorsHeader
{
    /// <summary>Bytes per element of the safetensors dtypes the reader supports.</summary>
    private static readonly Dictionary<string, int> ElementSizes = new(StringComparer.Ordinal)
    {
        ["F64"] = 8, ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2,
        ["I64"] = 8, ["I32"] = 4, ["I16"] = 2, ["I8"] = 1, ["U8"] = 1, ["BOOL"] = 1,
    };

    /// <summary>Throws a <see cref="WeightLoadException"/> naming <paramref name="path"/> unless every tensor's bytes lie inside the file.</summary>
    public static void Validate(Stream stream, string path)
    {
        var fileLength = stream.Length;
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > int.MaxValue || 8 + (long)headerLength > fileLength)
            throw Corrupt(path, $"its header claims {headerLength} bytes but the file has only {fileLength - 8} after the length field: the file is truncated");

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var dataLength = fileLength - 8 - (long)headerLength;

        string? checksum = null;
        try
        {
            using var document = JsonDocument.Parse(header);
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    if (entry.Value.ValueKind == JsonValueKind.Object && entry.Value.TryGetProperty(SafetensorsChecksum.MetadataKey, out var stamp))
                        checksum = stamp.GetString();
                    continue;
                }
                CheckEntry(entry, dataLength, path);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new WeightLoadException(
                $"Cannot read '{path}': its safetensors header is not valid JSON of tensor entries ({e.Message}). " +
                "The file is corrupt; re-download it or re-save it with safetensors.torch.save_file.", path, e);
        }

        if (checksum is not null) SafetensorsChecksum.Verify(stream, 8 + (long)headerLength, checksum, path);
    }

    private static void CheckEntry(JsonProperty entry, long dataLength, string path)
    {
        var dtype = entry.Value.GetProperty("dtype").GetString() ?? "";
        var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();

        if (!ElementSizes.TryGetValue(dtype, out var elementSize))
        {
            throw new WeightLoadException(
                $"Cannot read '{path}': tensor '{entry.Name}' has dtype {dtype}, which is not supported " +
                $"(supported: {string.Join(", ", ElementSizes.Keys)}). Convert it in PyTorch before saving.", path);
        }
        if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
            throw Corrupt(path, $"tensor '{entry.Name}' has invalid data_offsets [{string.Join(", ", offsets)}]");
        if (offsets[1] > dataLength)
        {
            throw Corrupt(path, $"tensor '{entry.Name}' needs bytes {offsets[0]}..{offsets[1]} of the data section " +
                                $"but the file holds only {dataLength}: the file is truncated");
        }
        var expectedBytes = shape.Aggregate(1L, (n, d) => n * d) * elementSize;
        if (offsets[1] - offsets[0] != expectedBytes)
        {
            throw Corrupt(path, $"tensor '{entry.Name}' of shape {WeightShapes.Format(shape)} and dtype {dtype} needs " +
                                $"{expectedBytes} bytes but its offsets span {offsets[1] - offsets[0]}");
        }
    }

    private static WeightLoadException Corrupt(string path, string reason) =>
        new($"Cannot read '{path}' as safetensors: {reason}. Re-download the file or re-save it with safetensors.torch.save_file.", path);
}
