namespace FofaDsl.Backbones;

/// <summary>
/// Configuration of a timm-style <see cref="ConvNeXt"/>. The defaults are timm's
/// <c>convnext_tiny</c> at 224 pixels and 1000 classes.
/// </summary>
public sealed record ConvNeXtOptions
{
    /// <summary>Number of classes the <c>head.fc</c> predicts.</summary>
    public int NumClasses { get; init; } = 1000;

    /// <summary>Channels of the input images.</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>Side of the square input images; must be a multiple of 32 (stem 4x down, then 2x per later stage).</summary>
    public int ImageSize { get; init; } = 224;

    /// <summary>Number of blocks in stages 0..3 (exactly four entries).</summary>
    public int[] Depths { get; init; } = [3, 3, 9, 3];

    /// <summary>Width of stages 0..3 (exactly four entries).</summary>
    public int[] Dims { get; init; } = [96, 192, 384, 768];

    /// <summary>Initial value of every block's layer scale <c>gamma</c>; 0 builds the blocks without it.</summary>
    public double LayerScaleInit { get; init; } = 1e-6;

    /// <summary>
    /// Stochastic-depth rate of the last block; the rates rise linearly from 0 over all blocks, as in
    /// timm. Only active in training mode.
    /// </summary>
    public double DropPathRate { get; init; }

    /// <summary>timm's <c>convnext_tiny</c>: depths 3-3-9-3, widths 96-192-384-768.</summary>
    public static ConvNeXtOptions Tiny(int numClasses = 1000, int imageSize = 224, int inputChannels = 3, double dropPathRate = 0.0) =>
        new()
        {
            NumClasses = numClasses, ImageSize = imageSize, InputChannels = inputChannels, DropPathRate = dropPathRate,
            Depths = [3, 3, 9, 3], Dims = [96, 192, 384, 768],
        };

    /// <summary>
    /// The stochastic-depth rate of every block, per stage: <c>DropPathRate * k / (n - 1)</c> for the
    /// k-th of n blocks in order (timm's <c>linspace(0, rate, n)</c>).
    /// </summary>
    public IReadOnlyList<double[]> BlockDropPathRates()
    {
        var total = Depths.Sum();
        var rates = new List<double[]>();
        var k = 0;
        foreach (var depth in Depths)
        {
            var stage = new double[depth];
            for (var j = 0; j < depth; j++, k++) stage[j] = total == 1 ? 0 : DropPathRate * k / (total - 1);
            rates.Add(stage);
        }
        return rates;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (NumClasses < 1) throw new ArgumentException($"NumClasses must be at least 1, got {NumClasses}.", nameof(NumClasses));
        if (InputChannels < 1) throw new ArgumentException($"InputChannels must be at least 1, got {InputChannels}.", nameof(InputChannels));
        if (ImageSize < 32 || ImageSize % 32 != 0)
            throw new ArgumentException(
                $"ImageSize must be a positive multiple of 32 (the stem divides it by 4 and stages 1..3 halve it three times), got {ImageSize}.",
                nameof(ImageSize));
        if (Depths is null || Depths.Length != 4 || Depths.Any(d => d < 1))
            throw new ArgumentException($"Depths must be four block counts of at least 1, got [{string.Join(", ", Depths ?? [])}].", nameof(Depths));
        if (Dims is null || Dims.Length != 4 || Dims.Any(d => d < 1))
            throw new ArgumentException($"Dims must be four widths of at least 1, got [{string.Join(", ", Dims ?? [])}].", nameof(Dims));
        if (!(LayerScaleInit >= 0) || double.IsInfinity(LayerScaleInit))
            throw new ArgumentException($"LayerScaleInit must be a finite number of at least 0, got {LayerScaleInit}.", nameof(LayerScaleInit));
        if (!(DropPathRate >= 0 && DropPathRate < 1))
            throw new ArgumentException($"DropPathRate must lie in [0, 1), got {DropPathRate}.", nameof(DropPathRate));
    }
}
