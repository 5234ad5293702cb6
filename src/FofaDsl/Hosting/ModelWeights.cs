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
        var temporary = path + ".tmp";
        if (Path.GetExtension(path).Equals(".safetensors", StringComparison.OrdinalIgnoreCase))
            TorchSharp.PyBridge.PyBridgeModuleExtensions.save_safetensors(module, temporary);
        else
            module.save(temporary);
        File.Move(temporary, path, overwrite: true);
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
            throw new InvalidDataException($"Weights file '{path}' does not fit {module.GetName()}: {e.Message} " +
                                           "It was probably saved from another architecture or size; retrain it or pass the right file.", e);
        }
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
