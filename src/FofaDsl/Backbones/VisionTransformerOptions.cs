namespace FofaDsl.Backbones;

/// <summary>
/// Configuration of a timm-style <see cref="VisionTransformer"/> with a class token. The
/// defaults are DeiT-Tiny at 224 pixels and 1000 classes.
/// </summary>
public sealed record VisionTransformerOptions
{
    /// <summary>Number of classes the <c>head</c> predicts.</summary>
    public int NumClasses { get; init; } = 1000;

    /// <summary>Channels of the input images.</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>Side of the square input images; must be a multiple of <see cref="PatchSize"/>.</summary>
    public int ImageSize { get; init; } = 224;

    /// <summary>Side of the square patches; the token grid is <c>ImageSize / PatchSize</c> on each side.</summary>
    public int PatchSize { get; init; } = 16;

    /// <summary>Token width D.</summary>
    public int EmbedDim { get; init; } = 192;

    /// <summary>Number of transformer blocks (at least 4, one per stage).</summary>
    public int Depth { get; init; } = 12;

    /// <summary>Attention heads per block; must divide <see cref="EmbedDim"/>.</summary>
    public int Heads { get; init; } = 3;

    /// <summary>Hidden width of the MLP relative to <see cref="EmbedDim"/> (truncated as timm does).</summary>
    public double MlpRatio { get; init; } = 4.0;

    /// <summary>Stochastic depth: the drop-path rate of the last block, rising linearly from 0 over the blocks (timm's drop_path_rate). Default 0 (off).</summary>
    public double DropPathRate { get; init; }

    /// <summary>The drop-path rate of block <paramref name="block"/> (0-based): <c>DropPathRate * block / (Depth - 1)</c>.</summary>
    public double BlockDropPathRate(int block) => Depth <= 1 ? DropPathRate : DropPathRate * block / (Depth - 1);

    /// <summary>
    /// The 0-based block after which each of the four stages ends (inclusive, strictly increasing,
    /// the last being <c>Depth - 1</c>); null uses <see cref="DefaultStageEnds"/>.
    /// </summary>
    public int[]? StageEnds { get; init; }

    /// <summary>The stage ends actually used: <see cref="StageEnds"/>, or the default cuts for <see cref="Depth"/>.</summary>
    public IReadOnlyList<int> ResolvedStageEnds => StageEnds ?? DefaultStageEnds(Depth);

    /// <summary>Side of the patch token grid.</summary>
    public int GridSize => ImageSize / PatchSize;

    /// <summary>Hidden width of each block's MLP.</summary>
    public int MlpHiddenDim => (int)(EmbedDim * MlpRatio);

    /// <summary>DeiT-Tiny (<c>deit_tiny_patch16_224</c>): D 192, 12 blocks, 3 heads.</summary>
    public static VisionTransformerOptions DeiTTiny(int numClasses = 1000, int imageSize = 224, int inputChannels = 3) =>
        new() { NumClasses = numClasses, ImageSize = imageSize, InputChannels = inputChannels, PatchSize = 16, EmbedDim = 192, Depth = 12, Heads = 3 };

    /// <summary>ViT-Small (<c>vit_small_patch16_224</c>): D 384, 12 blocks, 6 heads.</summary>
    public static VisionTransformerOptions VitSmall(int numClasses = 1000, int imageSize = 224, int inputChannels = 3) =>
        new() { NumClasses = numClasses, ImageSize = imageSize, InputChannels = inputChannels, PatchSize = 16, EmbedDim = 384, Depth = 12, Heads = 6 };

    /// <summary>
    /// Default stage cuts for <paramref name="depth"/> blocks: the paper's 2/12, 4/12, 10/12 and
    /// 12/12 of the depth (blocks 1, 3, 9, 11 at depth 12), rounded up and then pushed apart so
    /// every stage holds at least one block.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="depth"/> is below 4.</exception>
    public static int[] DefaultStageEnds(int depth)
    {
        if (depth < 4) throw new ArgumentOutOfRangeException(nameof(depth), depth, "A four-stage transformer needs at least 4 blocks.");
        static int CeilDiv(int a, int b) => (a + b - 1) / b;

        int[] ends = [CeilDiv(2 * depth, 12) - 1, CeilDiv(4 * depth, 12) - 1, CeilDiv(10 * depth, 12) - 1, depth - 1];
        for (var i = 2; i >= 0; i--) ends[i] = Math.Min(ends[i], ends[i + 1] - 1);
        for (var i = 1; i <= 3; i++) ends[i] = Math.Max(ends[i], ends[i - 1] + 1);
        return ends;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!(DropPathRate >= 0 && DropPathRate < 1)) throw new ArgumentException($"DropPathRate {DropPathRate} must lie in [0, 1).", nameof(DropPathRate));
        if (NumClasses < 1) throw new ArgumentException($"NumClasses must be at least 1, got {NumClasses}.", nameof(NumClasses));
        if (InputChannels < 1) throw new ArgumentException($"InputChannels must be at least 1, got {InputChannels}.", nameof(InputChannels));
        if (PatchSize < 1) throw new ArgumentException($"PatchSize must be at least 1, got {PatchSize}.", nameof(PatchSize));
        if (ImageSize < PatchSize || ImageSize % PatchSize != 0)
            throw new ArgumentException($"ImageSize {ImageSize} must be a positive multiple of PatchSize {PatchSize}.", nameof(ImageSize));
        if (EmbedDim < 1) throw new ArgumentException($"EmbedDim must be at least 1, got {EmbedDim}.", nameof(EmbedDim));
        if (Heads < 1 || EmbedDim % Heads != 0)
            throw new ArgumentException($"Heads {Heads} must be positive and divide EmbedDim {EmbedDim}.", nameof(Heads));
        if (Depth < 4) throw new ArgumentException($"Depth must be at least 4 (one block per stage), got {Depth}.", nameof(Depth));
        if (!(MlpRatio > 0) || MlpHiddenDim < 1)
            throw new ArgumentException($"MlpRatio {MlpRatio} must give a hidden width of at least 1.", nameof(MlpRatio));
        if (StageEnds is not null)
        {
            var ends = StageEnds;
            var valid = ends.Length == 4 && ends[0] >= 0 && ends[3] == Depth - 1
                && ends[0] < ends[1] && ends[1] < ends[2] && ends[2] < ends[3];
            if (!valid)
                throw new ArgumentException(
                    $"StageEnds [{string.Join(", ", ends)}] must be four strictly increasing 0-based block indices ending at Depth - 1 = {Depth - 1}.",
                    nameof(StageEnds));
        }
    }
}
