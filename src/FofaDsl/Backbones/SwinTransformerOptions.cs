namespace FofaDsl.Backbones;

/// <summary>
/// Configuration of a timm-style <see cref="SwinTransformer"/>. The defaults are Swin-T
/// (<c>swin_tiny_patch4_window7_224</c>) at 224 pixels and 1000 classes. Layers are numbered
/// 0..3 as in timm's <c>layers.{i}</c>; layer <c>i</c> is the paper's stage <c>i + 1</c>.
/// </summary>
public sealed record SwinTransformerOptions
{
    /// <summary>Number of layers (stages) of every Swin Transformer here.</summary>
    public const int LayerCount = 4;

    /// <summary>Number of classes the <c>head.fc</c> predicts.</summary>
    public int NumClasses { get; init; } = 1000;

    /// <summary>Channels of the input images.</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>Side of the square input images; must be a multiple of <c>PatchSize * 8</c>.</summary>
    public int ImageSize { get; init; } = 224;

    /// <summary>Side of the square patches; the first layer works on <c>ImageSize / PatchSize</c> tokens a side.</summary>
    public int PatchSize { get; init; } = 4;

    /// <summary>Token width of layer 0; each patch merging doubles it.</summary>
    public int EmbedDim { get; init; } = 96;

    /// <summary>Blocks in each of the four layers (each at least 1).</summary>
    public IReadOnlyList<int> Depths { get; init; } = [2, 2, 6, 2];

    /// <summary>Attention heads in each of the four layers; each must divide that layer's width.</summary>
    public IReadOnlyList<int> Heads { get; init; } = [3, 6, 12, 24];

    /// <summary>Side of the square attention windows (clamped per layer, see <see cref="LayerWindowSize"/>).</summary>
    public int WindowSize { get; init; } = 7;

    /// <summary>Hidden width of the MLPs relative to the layer width (truncated as timm does).</summary>
    public double MlpRatio { get; init; } = 4.0;

    /// <summary>
    /// Stochastic depth: the drop probability of the last block; block rates rise linearly from 0
    /// over all blocks as in timm. Only applied in training mode.
    /// </summary>
    public double DropPathRate { get; init; }

    /// <summary>Side of the patch token grid that layer 0 works on.</summary>
    public int GridSize => ImageSize / PatchSize;

    /// <summary>Swin-T (<c>swin_tiny_patch4_window7_224</c>): embed 96, depths 2-2-6-2, heads 3-6-12-24, window 7.</summary>
    public static SwinTransformerOptions Tiny(int numClasses = 1000, int imageSize = 224, int inputChannels = 3) =>
        new() { NumClasses = numClasses, ImageSize = imageSize, InputChannels = inputChannels };

    /// <summary>Swin-P as in OFA-KD: embed 48, depths 2-2-2-2, heads 2-4-8-16, window 7.</summary>
    public static SwinTransformerOptions Pico(int numClasses = 1000, int imageSize = 224, int inputChannels = 3) =>
        new()
        {
            NumClasses = numClasses, ImageSize = imageSize, InputChannels = inputChannels,
            EmbedDim = 48, Depths = [2, 2, 2, 2], Heads = [2, 4, 8, 16],
        };

    /// <summary>Token width of layer <paramref name="layer"/> (0..3).</summary>
    public int LayerDim(int layer) => EmbedDim << CheckLayer(layer);

    /// <summary>Side of the token grid of layer <paramref name="layer"/> (0..3), after its patch merging.</summary>
    public int LayerResolution(int layer) => GridSize >> CheckLayer(layer);

    /// <summary>
    /// The window layer <paramref name="layer"/> uses: <see cref="WindowSize"/>, or the layer's
    /// resolution when that is not larger (timm then attends over the whole grid).
    /// </summary>
    public int LayerWindowSize(int layer) => Math.Min(LayerResolution(layer), WindowSize);

    /// <summary>
    /// The cyclic shift of the odd blocks of layer <paramref name="layer"/>: half the window, or 0
    /// when the window covers the whole grid (timm disables the shift there).
    /// </summary>
    public int LayerShiftSize(int layer) => LayerResolution(layer) <= WindowSize ? 0 : WindowSize / 2;

    /// <summary>Hidden width of the MLPs of layer <paramref name="layer"/>.</summary>
    public int LayerMlpHiddenDim(int layer) => (int)(LayerDim(layer) * MlpRatio);

    /// <summary>Stochastic depth rate of block <paramref name="block"/> of layer <paramref name="layer"/>: linear from 0 to <see cref="DropPathRate"/> over all blocks.</summary>
    public double BlockDropPathRate(int layer, int block)
    {
        var index = Depths.Take(CheckLayer(layer)).Sum() + block;
        var total = Depths.Sum();
        return total <= 1 ? 0.0 : DropPathRate * index / (total - 1);
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (NumClasses < 1) throw new ArgumentException($"NumClasses must be at least 1, got {NumClasses}.", nameof(NumClasses));
        if (InputChannels < 1) throw new ArgumentException($"InputChannels must be at least 1, got {InputChannels}.", nameof(InputChannels));
        if (PatchSize < 1) throw new ArgumentException($"PatchSize must be at least 1, got {PatchSize}.", nameof(PatchSize));
        // Three patch mergings halve the grid three times, so the grid must be a multiple of 8.
        if (ImageSize < PatchSize * 8 || ImageSize % (PatchSize * 8) != 0)
            throw new ArgumentException(
                $"ImageSize {ImageSize} must be a positive multiple of PatchSize * 8 = {PatchSize * 8} (three patch mergings halve the {PatchSize}-pixel patch grid).",
                nameof(ImageSize));
        if (EmbedDim < 1) throw new ArgumentException($"EmbedDim must be at least 1, got {EmbedDim}.", nameof(EmbedDim));
        if (Depths is null || Depths.Count != LayerCount || Depths.Any(d => d < 1))
            throw new ArgumentException($"Depths [{Join(Depths)}] must be four block counts of at least 1.", nameof(Depths));
        if (Heads is null || Heads.Count != LayerCount)
            throw new ArgumentException($"Heads [{Join(Heads)}] must give four head counts.", nameof(Heads));
        for (var layer = 0; layer < LayerCount; layer++)
        {
            if (Heads[layer] < 1 || LayerDim(layer) % Heads[layer] != 0)
                throw new ArgumentException(
                    $"Heads {Heads[layer]} of stage {layer + 1} must be positive and divide its width {LayerDim(layer)}.", nameof(Heads));
        }
        if (WindowSize < 1) throw new ArgumentException($"WindowSize must be at least 1, got {WindowSize}.", nameof(WindowSize));
        for (var layer = 0; layer < LayerCount; layer++)
        {
            var resolution = LayerResolution(layer);
            var window = LayerWindowSize(layer);
            if (resolution % window != 0)
                throw new ArgumentException(
                    $"Stage {layer + 1} resolution {resolution}x{resolution} (ImageSize {ImageSize} / PatchSize {PatchSize} / {1 << layer}) is not divisible by its window {window} (WindowSize {WindowSize}).",
                    nameof(WindowSize));
        }
        if (!(MlpRatio > 0) || LayerMlpHiddenDim(0) < 1)
            throw new ArgumentException($"MlpRatio {MlpRatio} must give a hidden width of at least 1.", nameof(MlpRatio));
        if (!(DropPathRate >= 0 && DropPathRate < 1))
            throw new ArgumentException($"DropPathRate must be in [0, 1), got {DropPathRate}.", nameof(DropPathRate));
    }

    private static int CheckLayer(int layer) =>
        layer is >= 0 and < LayerCount ? layer : throw new ArgumentOutOfRangeException(nameof(layer), layer, "Layers are numbered 0..3.");

    private static string Join(IReadOnlyList<int>? values) => values is null ? "" : string.Join(", ", values);
}
