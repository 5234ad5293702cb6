using TorchSharp;
using FofaDsl.Platform;

namespace FofaDsl.Hosting;

/// <summary>Saving and loading module weights with errors that say what to do.</summary>
public static class ModelWeights
{
    /// <summary>
    /// Writes the weights to a temporary file and renames it into place, so an interrupted save never
    /// leaves a half-written file under <paramref name="path"/>. A <c>.safetensors</c> path gets the
    /// PyTorch-readable format with the model's (timm/torchvision) parameter names; any other path
    /// TorchSharp's own format.
    /// </summary>
    public static void Save(torch.nn.Module module, string path)
    {
        if (Path.GetExtension(path).Equals(".safetensors", StringComparison.OrdinalIgnoreCase))
            Platform.AtomicFile.WriteWith(path, temporary =>
            {
                using var file = File.Create(temporary);
                Weights.SafetensorsChecksum.Write(module.state_dict(), file);
            });
        else
            Platform.AtomicFile.WriteWith(path, temporary => module.save(temporary));
    }

    /// <summary>
    /// Loads weights into <paramref name="module"/>: PyTorch checkpoints (<c>.pt</c>, <c>.pth</c>, <c>.bin</c>,
    /// <c>.safetensors</c>, by parameter name, via <see cref="Weights.PretrainedWeights"/>) or files saved by
    /// <see cref="Save"/>. A missing, corrupt or mismatched file gives an error naming it and leaves the module unchanged.
    /// </summary>
    public static void Load(torch.nn.Module module, string path)
    {
        if (InputFile.Problem(path) is { } problem) throw new FileNotFoundException($"Weights file '{path}' {problem}; check the path (a run writes teacher.safetensors and student-<method>.safetensors in its --out).", path);
        if (IsPyTorchCheckpoint(path))
        {
            Weights.PretrainedWeights.Load(module, path);
            return;
        }
        try
        {
            module.load(path, strict: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (NotWeights(path) is { } what)
                throw new InvalidDataException($"Weights file '{path}' {what}. Pass a file a run wrote (teacher.safetensors, student-<method>.safetensors) " +
                                               "or a PyTorch state_dict (.pt, .pth, .bin, .safetensors).", e);
            throw new InvalidDataException($"Weights file '{path}' does not fit {module.GetName()}: {Printable(e.Message)} " +
                                           "It was probably saved from another architecture or size; retrain it or pass the right file.", e);
        }
    }

    /// <summary>What the file is when it is plainly not TorchSharp weights (text, or a PyTorch zip under another extension), else null.</summary>
    private static string? NotWeights(string path)
    {
        var head = new byte[512];
        int length;
        using (var file = File.OpenRead(path)) length = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var bytes = head.AsSpan(0, length);
        if (bytes.StartsWith("PK\u0003\u0004"u8))
            return "is a zip archive, as PyTorch's torch.save writes: give it a .pt or .pth extension so that it is read by parameter name";
        if (length == 0) return "is empty";
        var text = 0;
        foreach (var b in bytes) if (b is (byte)'\n' or (byte)'\r' or (byte)'\t' || (b >= 0x20 && b < 0x7f)) text++;
        return text == length ? "is a text file, not weights" : null;
    }

    /// <summary>A native error message without the raw bytes of a binary file (control characters and overlong text would reach the terminal).</summary>
    private static string Printable(string message)
    {
        var clean = new string(message.Select(c => char.IsControl(c) || char.IsSurrogate(c) || c == '\uFFFD' ? '?' : c).ToArray());
        return clean.Length > 300 ? clean[..300] + "..." : clean;
    }

    /// <summary>
    /// Loads a student's starting weights: like <see cref="Load"/>, except that a PyTorch checkpoint's
    /// classifier is skipped (pre-training usually has another class count) and keeps its initialisation.
    /// </summary>
    public static void LoadInitialisation(torch.nn.Module module, string path)
    {
        if (File.Exists(path) && IsPyTorchCheckpoint(path))
            Weights.PretrainedWeights.Load(module, path, new Weights.WeightLoadOptions { SkipClassifier = true });
        else
            Load(module, path);
    }

    private static bool IsPyTorchCheckpoint(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".pt" or ".pth" or ".bin" or ".safetensors";
}
