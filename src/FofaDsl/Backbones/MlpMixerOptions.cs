namespace FofaDsl.Backbones;

/// <summary>
/// Configuration of a timm-style <see cref="MlpMixer"/>. The defaults are Mixer-B/16 at 224
/// pixels and 1000 classes (<c>mixer_b16_224</c>).
/// </summary>
public sealed record MlpMixerOptions
{
    /// <summary>Number of classes the <c>head</c> predicts.</summary>
    public int NumClasses { get; init; } = 1000;

    /// <summary>Channels of the input images.</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>
    /// Side of the square input images; must be a multiple of <see cref="PatchSize"/>. The token
    /// MLPs are sized for this many tokens, so the model only accepts this size.
    /// </summary>
    public int ImageSize { get; init; } = 224;

    /// <summary>Side of the square patches; the token grid is <c>ImageSize / PatchSize</c> on each side.</summary>
    public int PatchSize { get; init; } = 16;

    /// <summary>Token width D.</summary>
    public int EmbedDim { get; init; } = 768;

    /// <summary>Number of Mixer blocks (at least 4, one per stage).</summary>
    public int Depth { get; init; } = 12;

    /// <summary>Hidden width of the token-mixing MLP relative to <see cref="EmbedDim"/> (not to the token count, as in timm).</summary>
    public double TokenMlpRatio { get; init; } = 0.5;

    /// <summary>Hidden width of the channel MLP relative to <see cref="EmbedDim"/>.</summary>
    public double ChannelMlpRatio { get; init; } = 4.0;

    /// <summary>Stochastic-depth rate of every block's residual branches (timm uses one rate for all blocks).</summary>
    public double DropPathRate { get; init; }

    /// <summary>Side of the patch token grid.</summary>
    public int GridSize => ImageSize / PatchSize;

    /// <summary>Number of tokens L the token MLPs mix.</summary>
    public int TokenCount => GridSize * GridSize;

    /// <summary>Hidden width of each token-mixing MLP (truncated as timm does).</summary>
    public int TokenHiddenDim => (int)(EmbedDim * TokenMlpRatio);

    /// <summary>Hidden width of each channel MLP (truncated as timm does).</summary>
    public int ChannelHiddenDim => (int)(EmbedDim * ChannelMlpRatio);

    /// <summary>The 0-based block that ends each stage: <see cref="VisionTransformerOptions.DefaultStageEnds"/> of <see cref="Depth"/>.</summary>
    public IReadOnlyList<int> StageEnds => VisionTransformerOptions.DefaultStageEnds(Depth);

    /// <summary>Mixer-B/16 (<c>mixer_b16_224</c>): D 768, 12 blocks, token MLP 384, channel MLP 3072.</summary>
    public static MlpMixerOptions MixerB16(int numClasses = 1000, int imageSize = 224, int inputChannels = 3) =>
        new()
        {
            NumClasses = numClasses, ImageSize = imageSize, InputChannels = inputChannels,
            PatchSize = 16, EmbedDim = 768, Depth = 12, TokenMlpRatio = 0.5, ChannelMlpRatio = 4.0,
        };

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        MixerOptionChecks.ValidateCommon(NumClasses, InputChannels, ImageSize, PatchSize, EmbedDim, Depth, DropPathRate);
        if (!(TokenMlpRatio > 0) || TokenHiddenDim < 1)
            throw new ArgumentException($"TokenMlpRatio {TokenMlpRatio} must give a hidden width of at least 1.", nameof(TokenMlpRatio));
        if (!(ChannelMlpRatio > 0) || ChannelHiddenDim < 1)
            throw new ArgumentException($"ChannelMlpRatio {ChannelMlpRatio} must give a hidden width of at least 1.", nameof(ChannelMlpRatio));
    }
}
