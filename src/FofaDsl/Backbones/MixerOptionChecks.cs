namespace FofaDsl.Backbones;

/// <summary>Validation shared by <see cref="MlpMixerOptions"/> and <see cref="ResMlpOptions"/>.</summary>
internal static class MixerOptionChecks
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid common setting.</summary>
    public static void ValidateCommon(int numClasses, int inputChannels, int imageSize, int patchSize, int embedDim, int depth, double dropPathRate)
    {
        if (numClasses < 1) throw new ArgumentException($"NumClasses must be at least 1, got {numClasses}.", "NumClasses");
        if (inputChannels < 1) throw new ArgumentException($"InputChannels must be at least 1, got {inputChannels}.", "InputChannels");
        if (patchSize < 1) throw new ArgumentException($"PatchSize must be at least 1, got {patchSize}.", "PatchSize");
        if (imageSize < patchSize || imageSize % patchSize != 0)
            throw new ArgumentException($"ImageSize {imageSize} must be a positive multiple of PatchSize {patchSize}.", "ImageSize");
        if (embedDim < 1) throw new ArgumentException($"EmbedDim must be at least 1, got {embedDim}.", "EmbedDim");
        if (depth < 4) throw new ArgumentException($"Depth must be at least 4 (one block per stage), got {depth}.", "Depth");
        if (!(dropPathRate >= 0 && dropPathRate < 1))
            throw new ArgumentException($"DropPathRate must be in [0, 1), got {dropPathRate}.", "DropPathRate");
    }
}
