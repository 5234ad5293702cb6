namespace FofaDsl.Weights;

/// <summary>
/// A model whose published checkpoints come in more than one naming layout (e.g. Swin's patch
/// merging moved between timm 0.6 and 0.9) maps a file's keys to its own names before they are
/// compared; <see cref="PretrainedWeights.Load"/> applies it automatically.
/// </summary>
public interface ICheckpointKeyMapper
{
    /// <summary>File key to model key for every key to keep; keys left out are dropped (e.g. recomputed buffers).</summary>
    IReadOnlyDictionary<string, string> MapCheckpointKeys(IReadOnlyCollection<string> fileKeys);
}
