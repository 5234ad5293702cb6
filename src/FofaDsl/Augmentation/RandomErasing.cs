using static TorchSharp.torch;

namespace FofaDsl.Augmentation;

/// <summary>
/// timm's <c>RandomErasing</c> on a batch of NORMALISED images (it runs after normalisation in
/// timm, so standard-normal noise matches the data's scale): with probability
/// <see cref="Probability"/> an image gets <see cref="MinCount"/>..<see cref="MaxCount"/> rectangles,
/// each of area fraction in <c>[MinArea, MaxArea] / count</c> and log-uniform aspect ratio in
/// <c>[MinAspect, 1 / MinAspect]</c>, 10 tries each. Geometry comes from the <see cref="Random"/>
/// given; the noise from a torch generator seeded from it.
/// </summary>
public sealed class RandomErasing
{
    private const int Attempts = 10;
    private readonly Random random;
    private readonly Generator noise;

    /// <summary>Creates the transform with timm's defaults (area 2% to 1/3, aspect 0.3 to 1/0.3, one rectangle).</summary>
    public RandomErasing(
        Random random, double probability = 0.25, ErasingMode mode = ErasingMode.Pixel,
        double minArea = 0.02, double maxArea = 1.0 / 3.0, double minAspect = 0.3, int minCount = 1, int maxCount = 1)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(probability);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(probability, 1.0);
        if (!(minArea > 0) || minArea > maxArea || maxArea > 1)
            throw new ArgumentException($"Need 0 < minArea <= maxArea <= 1; got {minArea}, {maxArea}.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minAspect);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, minCount);
        this.random = random;
        noise = new Generator(unchecked((ulong)random.NextInt64()));
        Probability = probability;
        Mode = mode;
        MinArea = minArea;
        MaxArea = maxArea;
        MinAspect = minAspect;
        MinCount = minCount;
        MaxCount = maxCount;
    }

    /// <summary>Chance that an image is erased at all.</summary>
    public double Probability { get; }

    /// <summary>What the rectangles are filled with.</summary>
    public ErasingMode Mode { get; }

    /// <summary>Smallest total erased fraction of the image.</summary>
    public double MinArea { get; }

    /// <summary>Largest total erased fraction of the image.</summary>
    public double MaxArea { get; }

    /// <summary>Smallest height-to-width ratio; the largest is its inverse.</summary>
    public double MinAspect { get; }

    /// <summary>Fewest rectangles per erased image.</summary>
    public int MinCount { get; }

    /// <summary>Most rectangles per erased image.</summary>
    public int MaxCount { get; }

    /// <summary>Draws the rectangles for one <paramref name="height"/> x <paramref name="width"/> image (none when it is not erased).</summary>
    public IReadOnlyList<CropBox> SampleBoxes(int height, int width)
    {
        if (random.NextDouble() > Probability)
            return [];
        double area = (double)height * width;
        int count = MinCount == MaxCount ? MinCount : random.IntInclusive(MinCount, MaxCount);
        double logMin = Math.Log(MinAspect), logMax = -logMin;
        var boxes = new List<CropBox>(count);
        for (int k = 0; k < count; k++)
        {
            for (int attempt = 0; attempt < Attempts; attempt++)
            {
                double targetArea = random.Uniform(MinArea, MaxArea) * area / count;
                double aspect = Math.Exp(random.Uniform(logMin, logMax));
                int h = (int)Math.Round(Math.Sqrt(targetArea * aspect), MidpointRounding.ToEven);
                int w = (int)Math.Round(Math.Sqrt(targetArea / aspect), MidpointRounding.ToEven);
                if (w < width && h < height)
                {
                    boxes.Add(new CropBox(random.IntInclusive(0, height - h), random.IntInclusive(0, width - w), h, w));
                    break;
                }
            }
        }
        return boxes;
    }

    /// <summary>Erases freshly drawn rectangles of <paramref name="normalisedImages"/> <c>[B, C, H, W]</c>; returns a new tensor.</summary>
    public Tensor Apply(Tensor normalisedImages)
    {
        ArgumentNullException.ThrowIfNull(normalisedImages);
        if (normalisedImages.dim() != 4)
            throw new ArgumentException($"Expected [B, C, H, W] images; got [{string.Join(", ", normalisedImages.shape)}].", nameof(normalisedImages));
        int height = (int)normalisedImages.shape[2], width = (int)normalisedImages.shape[3];
        var boxes = Enumerable.Range(0, (int)normalisedImages.shape[0]).Select(_ => SampleBoxes(height, width)).ToArray();
        return Apply(normalisedImages, boxes);
    }

    /// <summary>Erases rectangles <paramref name="boxes"/>[i] of image <c>i</c>; returns a new tensor.</summary>
    public Tensor Apply(Tensor normalisedImages, IReadOnlyList<IReadOnlyList<CropBox>> boxes)
    {
        ArgumentNullException.ThrowIfNull(normalisedImages);
        ArgumentNullException.ThrowIfNull(boxes);
        if (boxes.Count != normalisedImages.shape[0])
            throw new ArgumentException($"Need one box list per image: {normalisedImages.shape[0]} images, {boxes.Count} lists.", nameof(boxes));

        using var scope = NewDisposeScope();
        var images = normalisedImages.clone();
        long channels = images.shape[1];
        for (int i = 0; i < boxes.Count; i++)
        {
            foreach (var box in boxes[i])
            {
                var region = images[i, TensorIndex.Colon, TensorIndex.Slice(box.Top, box.Top + box.Height), TensorIndex.Slice(box.Left, box.Left + box.Width)];
                region.copy_(Values(channels, box, images));
            }
        }
        return images.MoveToOuterDisposeScope();
    }

    private Tensor Values(long channels, CropBox box, Tensor like) => Mode switch
    {
        ErasingMode.Constant => zeros([channels, box.Height, box.Width], like.dtype, like.device),
        // The generator lives on the CPU: draw there, then move.
        ErasingMode.PerChannel => randn([channels, 1, 1], like.dtype, generator: noise).to(like.device).expand(channels, box.Height, box.Width),
        _ => randn([channels, box.Height, box.Width], like.dtype, generator: noise).to(like.device),
    };
}
