using System.Collections;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace FofaDsl.Weights;

/// <summary>
/// Detects a checkpoint's format from its first bytes and reads it into a name-to-tensor dictionary
/// (CPU tensors in the file's dtypes), without touching any model.
/// </summary>
internal static class WeightFileReader
{
    /// <summary>
    /// Keys under which training scripts nest the state dict (timm's <c>state_dict</c> and
    /// <c>state_dict_ema</c>, torchvision references' <c>model</c>), in the order they are tried.
    /// </summary>
    internal static readonly string[] NestedStateDictKeys = ["state_dict", "model", "module", "state_dict_ema", "model_ema"];

    private static readonly string[] PyTorchExtensions = [".pt", ".pth", ".bin", ".ckpt", ".tar"];

    /// <summary>The format of <paramref name="path"/>, judged by its first bytes; the extension only shapes the error.</summary>
    /// <exception cref="WeightLoadException">When the file is empty, legacy-pickled or of no known format.</exception>
    public static WeightFileFormat DetectFormat(string path)
    {
        using var stream = File.OpenRead(path);
        var length = stream.Length;
        if (length == 0) throw new WeightLoadException($"Cannot load '{path}': the file is empty.", path);

        var head = new byte[(int)Math.Min(9, length)];
        stream.ReadExactly(head);

        if (head.Length >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4)
            return WeightFileFormat.PyTorchZip;

        // Pickle streams open with PROTO (0x80): torch.save before PyTorch 1.6, or with _use_new_zipfile_serialization=False.
        if (head[0] == 0x80)
        {
            throw new WeightLoadException(
                $"Cannot load '{path}': it is a legacy (pre-zip) PyTorch pickle, which cannot be read here. Re-save it in Python " +
                "with torch.save(torch.load(path), new_path) (PyTorch 1.6+ writes the zip format) or with safetensors.torch.save_file.", path);
        }

        // safetensors: little-endian u64 header length, then a JSON object.
        if (head.Length == 9 && head[8] == (byte)'{') return WeightFileFormat.Safetensors;

        var extension = Path.GetExtension(path).ToLowerInvariant();
        var expected = extension == ".safetensors"
            ? "The extension says safetensors, but the file does not start with an 8-byte header length and '{'."
            : PyTorchExtensions.Contains(extension)
                ? "The extension says torch.save, but the file does not start with the zip signature 'PK\\x03\\x04'."
                : "Known formats: torch.save's zip (.pt, .pth, .bin) and safetensors (.safetensors).";
        throw new WeightLoadException(
            $"Cannot load '{path}': unknown or corrupt checkpoint format (first bytes {Convert.ToHexString(head)}). {expected} " +
            "TorchSharp's own module.save files load with module.load instead.", path);
    }

    /// <summary>Reads every tensor of <paramref name="path"/>; the caller owns (and disposes) the tensors.</summary>
    /// <exception cref="WeightLoadException">
    /// When the file is truncated or corrupt (checked against its <c>.sha256</c> sidecar, its zip entries' CRC-32 or
    /// the checksum FofaDsl stamps into the safetensors it writes), or holds no state dict.
    /// </exception>
    public static Dictionary<string, Tensor> Read(string path, WeightFileFormat format)
    {
        // Tensors made before a failure would otherwise linger until finalisation.
        using var scope = NewDisposeScope();
        ChecksumSidecar.VerifyIfPresent(path);
        using var stream = File.OpenRead(path);
        Dictionary<string, Tensor> tensors;
        try
        {
            tensors = format == WeightFileFormat.Safetensors ? ReadSafetensors(stream, path) : ReadPyTorchZip(stream, path);
        }
        catch (Exception e) when (e is not WeightLoadException and not OutOfMemoryException)
        {
            // The readers fail with whatever their parsers throw (InvalidDataException, NotImplementedException, ...).
            var what = format == WeightFileFormat.Safetensors ? "safetensors" : "torch.save zip";
            throw new WeightLoadException(
                $"Cannot read '{path}' as a {what} checkpoint ({e.GetType().Name}: {e.Message}). The file is truncated or corrupt, " +
                "or is not a saved state dict; re-download it, or re-save it in Python with torch.save(model.state_dict(), path).", path, e);
        }
        foreach (var tensor in tensors.Values) tensor.MoveToOuterDisposeScope();
        return tensors;
    }

    private static Dictionary<string, Tensor> ReadSafetensors(Stream stream, string path)
    {
        SafetensorsHeader.Validate(stream, path);
        stream.Position = 0;
        return Safetensors.LoadStateDict(stream, leaveOpen: true);
    }

    private static Dictionary<string, Tensor> ReadPyTorchZip(Stream stream, string path)
    {
        ZipEntryChecksums.Verify(stream, path);
        var table = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true);
        return ExtractStateDict(table, path);
    }

    /// <summary>
    /// The tensors of a plain state dict, or of the first <see cref="NestedStateDictKeys"/> entry of a
    /// training checkpoint (<c>{"state_dict": ..., "epoch": ...}</c>).
    /// </summary>
    private static Dictionary<string, Tensor> ExtractStateDict(IDictionary table, string path)
    {
        var tensors = TensorsOf(table);
        if (tensors.Count > 0) return tensors;

        foreach (var key in NestedStateDictKeys)
        {
            if (table.Contains(key) && table[key] is IDictionary nested)
            {
                var nestedTensors = TensorsOf(nested);
                if (nestedTensors.Count > 0) return nestedTensors;
            }
        }

        var keys = string.Join(", ", table.Keys.Cast<object>().Select(k => $"'{k}'").Take(20));
        throw new WeightLoadException(
            $"Cannot load '{path}': it holds no tensors at the top level nor under {string.Join(", ", NestedStateDictKeys.Select(k => $"'{k}'"))} " +
            $"(top-level keys: {(keys.Length > 0 ? keys : "none")}). Save the state dict itself: torch.save(model.state_dict(), path).", path);
    }

    private static Dictionary<string, Tensor> TensorsOf(IDictionary table)
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is string name && entry.Value is Tensor tensor) tensors[name] = tensor;
        }
        return tensors;
    }
}
