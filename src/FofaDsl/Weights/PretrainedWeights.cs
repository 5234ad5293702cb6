using TorchSharp;
using FofaDsl.Platform;
using static TorchSharp.torch;

namespace FofaDsl.Weights;

/// <summary>
/// Loads weights trained in PyTorch (timm or torchvision state dicts saved with <c>torch.save</c>, or
/// safetensors files) into a TorchSharp model whose parameter names follow PyTorch's, such as
/// <see cref="Backbones.ResNet"/> and <see cref="Backbones.VisionTransformer"/>.
/// </summary>
/// <remarks>
/// Loading is all or nothing: the whole file is read and compared with <c>model.state_dict()</c>
/// first, and tensors are copied only when no key is missing, unexpected (when strict), mis-shaped or
/// doubly mapped. Parameters and buffers (BatchNorm running statistics, <c>num_batches_tracked</c>)
/// load alike, each converted to the dtype and device of the model's tensor.
/// </remarks>
public static class PretrainedWeights
{
    /// <summary>Reads the checkpoint at <paramref name="path"/> and copies its tensors into <paramref name="model"/>.</summary>
    /// <param name="model">The model to fill; its state-dict names must match the file's after renaming.</param>
    /// <param name="path">A <c>.pt</c>/<c>.pth</c>/<c>.bin</c> file written by <c>torch.save</c>, or a <c>.safetensors</c> file.</param>
    /// <param name="options">Renaming, classifier and strictness settings; null uses the defaults (strict, no renaming).</param>
    /// <returns>What was loaded, skipped and dropped.</returns>
    /// <exception cref="FileNotFoundException">When <paramref name="path"/> does not exist.</exception>
    /// <exception cref="WeightLoadException">
    /// When the file cannot be read, or when its keys and shapes do not fit the model; the message lists
    /// every problem and its fix, and the model is unchanged.
    /// </exception>
    public static LoadReport Load(nn.Module model, string path, WeightLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new WeightLoadOptions();

        var fullPath = Path.GetFullPath(path);
        if (InputFile.Problem(fullPath) is { } problem) throw new FileNotFoundException($"Checkpoint '{fullPath}' {problem}.", fullPath);

        var format = WeightFileReader.DetectFormat(fullPath);
        var fileTensors = WeightFileReader.Read(fullPath, format);
        if (model is ICheckpointKeyMapper mapper)
        {
            var renamed = mapper.MapCheckpointKeys(fileTensors.Keys);
            fileTensors = renamed.ToDictionary(pair => pair.Value, pair => fileTensors[pair.Key]);
        }
        try
        {
            var modelState = model.state_dict();
            var match = StateDictMatch.Compute(fileTensors, modelState, options);
            if (match.HasProblems)
            {
                var message = WeightLoadMessage.Build(fullPath, model.GetType().Name, match, options, modelState.Keys);
                throw new WeightLoadException(message, fullPath, match);
            }

            CopyIntoModel(match.Pairs);
            return new LoadReport
            {
                FilePath = fullPath,
                Format = format,
                LoadedKeys = match.Pairs.Select(p => p.Name).ToList(),
                SkippedClassifierKeys = match.SkippedClassifierKeys,
                KeptInitializedKeys = match.KeptInitializedKeys,
                DroppedKeys = match.DroppedKeys,
                IgnoredUnexpectedKeys = match.IgnoredUnexpectedKeys,
            };
        }
        finally
        {
            foreach (var tensor in fileTensors.Values) tensor.Dispose();
        }
    }

    private static void CopyIntoModel(IEnumerable<(string Name, Tensor Source, Tensor Target)> pairs)
    {
        // In place, so parameters keep their identity (optimizers and hooks hold them) and requires_grad.
        using var noGrad = torch.no_grad();
        foreach (var (_, source, target) in pairs)
        {
            if (source.dtype == target.dtype && source.device_type == target.device_type && source.device_index == target.device_index)
            {
                target.copy_(source);
                continue;
            }
            using var converted = source.to(target.dtype, target.device);
            target.copy_(converted);
        }
    }
}
