namespace FofaDsl.Backbones;

/// <summary>
/// Configuration of a timm-style <see cref="ResMlp"/>. The defaults are ResMLP-S12 at 224
/// pixels and 1000 classes (<c>resmlp_12_224</c>).
/// </summary>
public sealed record ResMlpOptions
{
    /// <summary>Number of classes the <c>head</c> predicts.</summary>
    public int NumClasses { get; init; } = 1000;

    /// <summary>Channels of the input images.</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>
    /// Side of the square input images; must be a multiple of <see cref="PatchSize"/>. The token
    /// layers are sized for this many tokens, so the model only accepts this size.
    /// </summary>
    public int ImageSize { get; init; } = 224;

    /// <summary>Side of the square patches; the token grid is <c>ImageSize / PatchSize</c> on each side.</summary>
    public int PatchSize { get; init; } = 16;

    /// <summary>Token width D.</summary>
    public int EmbedDim { get; init; } = 384;

    /// <summary>Number of ResMLP blocks (at least 4, one per stage).</summary>
    public int Depth { get; init; } = 12;

    /// <summary>Hidden width of the channel MLP relative to <see cref="EmbedDim"/>.</summary>
    public double MlpRatio { get; init; } = 4.0;

    /// <summary>
    /// Initial value of the layer-scale vectors <c>ls1</c>, <c>ls2</c>. timm uses 0.1 at depth 12,
    /// 1e-5 at depth 24 and 1e-6 at depth 36: deeper models start closer to the identity.
    /// </summary>
    public double InitLayerScale { get; init; } = 0.1;

    /// <summary>Stochastic-depth rate of every block's residual branches (timm uses one rate for all blocks).</summary>
    public double DropPathRate { get; init; }

    /// <summary>Side of the patch token grid.</summary>
    public int GridSize => ImageSize / PatchSize;

    /// <summary>Number of tokens L the token layers mix.</summary>
    public int TokenCount => GridSize * GridSize;

    /// <summary>Hidden width of each channel MLP (truncated as timm does).</summary>
    public int MlpHiddenDim => (int)(EmbedDim * MlpRatio);

    /// <summary>The 0-based block that ends each stage: <see cref="VisionTransformerOptions.DefaultStageEnds"/> of <see cref="Depth"/>.</summary>
    public IReadOnlyList<int> StageEnds => VisionTransformerOptions.DefaultStageEnds(Depth);

    /// <summary>ResMLP-S12 (<c>resmlp_12_224</c>): D 384, 12 blocks, MLP 1536, layer scale 0.1.</summary>
    public static ResMlpOptions ResMlpS12(int numClasses = 1000, int imageSize = 224, int inputChannels = 3) =>
        new()
        {
            NumClasses = numClasses, ImageSize = imageSize, InputChannels = inputChannels,
            PatchSize = 16, EmbedDim = 384, Depth = 12, MlpRatio = 4.0, InitLayerScale = 0.1,
        };

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        MixerOptionChecks.ValidateCommon(NumClasses, InputChannels, ImageSize, PatchSize, EmbedDim, Depth, DropPathRate);
        if (!(MlpRatio > 0) || MlpHiddenDim < 1)
            throw new ArgumentException($"MlpRatio {MlpRatio} must give a hidden width of at least 1.", nameof(MlpRatio));
        if (!double.IsFinite(InitLayerScale))
            throw new ArgumentException($"InitLayerScale must be finite, got {InitLayerScale}.", nameof(InitLayerScale));
    }
}
