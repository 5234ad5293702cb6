using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace FofaDsl.Weights;

/// <summary>
/// The safetensors format has no checksum, so a bit flipped in a tensor's bytes loads as a silently different weight.
/// Files FofaDsl writes carry the SHA-256 of their data section in the header's <c>__metadata__</c>
/// (<see cref="MetadataKey"/>, a plain string that PyTorch's and Hugging Face's readers ignore), and reading such a
/// file verifies it. Files from elsewhere have no such entry and are checked for truncation only.
/// </summary>
internal static class SafetensorsChecksum
{
    /// <summary>The metadata entry that holds the data section's SHA-256, in lower-case hex.</summary>
    public const string MetadataKey = "fofa.sha256";

    /// <summary>Writes <paramref name="stateDict"/> as safetensors to <paramref name="destination"/>, stamped with its data section's SHA-256.</summary>
    public static void Write(Dictionary<string, Tensor> stateDict, Stream destination)
    {
        // PyBridge writes the tensors; the header is then rebuilt with the checksum, since PyBridge takes no metadata.
        var plain = new MemoryStream();
        Safetensors.SaveStateDict(plain, stateDict);
        // The writer closes its stream; a closed MemoryStream still gives its bytes.
        var bytes = plain.ToArray().AsSpan();
        var headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        var data = bytes[(8 + headerLength)..];

        var header = JsonNode.Parse(bytes.Slice(8, headerLength))!.AsObject();
        var metadata = header["__metadata__"] as JsonObject ?? [];
        header.Remove("__metadata__");
        metadata[MetadataKey] = Convert.ToHexStringLower(SHA256.HashData(data));
        // The format's convention puts __metadata__ first; readers accept it anywhere.
        var stamped = new JsonObject { ["__metadata__"] = metadata };
        foreach (var (name, entry) in header.ToArray())
        {
            header.Remove(name);
            stamped[name] = entry;
        }

        var json = Encoding.UTF8.GetBytes(stamped.ToJsonString());
        // Pad the header with spaces so the data section starts 8-byte aligned, as the format recommends.
        var padded = (json.Length + 7) / 8 * 8;
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        destination.Write(length);
        destination.Write(json);
        for (var i = json.Length; i < padded; i++) destination.WriteByte((byte)' ');
        destination.Write(data);
    }

    /// <summary>
    /// Checks the data section of <paramref name="stream"/> (from <paramref name="dataStart"/> to the end) against
    /// <paramref name="expectedHex"/>; throws a <see cref="WeightLoadException"/> naming <paramref name="path"/> when it differs.
    /// </summary>
    public static void Verify(Stream stream, long dataStart, string expectedHex, string path)
    {
        stream.Position = dataStart;
        var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (!actual.Equals(expectedHex.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            throw new WeightLoadException(
                $"Cannot load '{path}': the file is corrupt: the SHA-256 of its tensor data ({actual}) differs from the one FofaDsl " +
                $"recorded when it wrote the file ({expectedHex.Trim()}), so bytes were altered or lost since. Use another copy, or " +
                "write it again (a run's teacher.safetensors and student-<method>.safetensors are rewritten by train or export).", path);
        }
    }
}
