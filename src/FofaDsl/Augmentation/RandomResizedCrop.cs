using static TorchSharp.torch;

namespace FofaDsl.Augmentation;

/// <summary>
/// torchvision's <c>RandomResizedCrop</c> on a batch: each image gets its own box of area fraction
/// in <c>Scale</c> and aspect ratio (log-uniform) in <c>Ratio</c>, falling back to a centre crop
/// after 10 tries, and the box is resized bilinearly to the output size. All boxes are resampled in
/// one <c>grid_sample</c> call (no antialiasing, unlike PIL when shrinking a large box).
/// Works on normalised or <c>[0, 1]</c> images alike (it is linear in the pixels).
/// </summary>
public sealed class RandomResizedCrop
{
    private const int Attempts = 10;
    private readonly Random random;

    /// <summary>
    /// Creates the transform for <paramref name="outputHeight"/> x <paramref name="outputWidth"/>
    /// outputs; <paramref name="scale"/> defaults to <c>(0.08, 1)</c>, <paramref name="ratio"/> to <c>(3/4, 4/3)</c>.
    /// </summary>
    public RandomResizedCrop(int outputHeight, int outputWidth, Random random, (double Min, double Max)? scale = null, (double Min, double Max)? ratio = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputWidth);
        ArgumentNullException.ThrowIfNull(random);
        Scale = scale ?? (0.08, 1.0);
        Ratio = ratio ?? (3.0 / 4.0, 4.0 / 3.0);
        if (!(Scale.Min > 0) || Scale.Min > Scale.Max || !(Ratio.Min > 0) || Ratio.Min > Ratio.Max)
            throw new ArgumentException($"Scale {Scale} and ratio {Ratio} must be positive, increasing ranges.");
        OutputHeight = outputHeight;
        OutputWidth = outputWidth;
        this.random = random;
    }

    /// <summary>Output rows.</summary>
    public int OutputHeight { get; }

    /// <summary>Output columns.</summary>
    public int OutputWidth { get; }

    /// <summary>Range of the box area as a fraction of the image area.</summary>
    public (double Min, double Max) Scale { get; }

    /// <summary>Range of the box aspect ratio, width over height.</summary>
    public (double Min, double Max) Ratio { get; }

    /// <summary>Draws one box for a <paramref name="height"/> x <paramref name="width"/> image (torchvision's <c>get_params</c>).</summary>
    public CropBox SampleBox(int height, int width)
    {
        double area = (double)height * width;
        double logMin = Math.Log(Ratio.Min), logMax = Math.Log(Ratio.Max);
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            double targetArea = area * random.Uniform(Scale.Min, Scale.Max);
            double aspect = Math.Exp(random.Uniform(logMin, logMax));
            int w = (int)Math.Round(Math.Sqrt(targetArea * aspect), MidpointRounding.ToEven);
            int h = (int)Math.Round(Math.Sqrt(targetArea / aspect), MidpointRounding.ToEven);
            if (w > 0 && w <= width && h > 0 && h <= height)
                return new CropBox(random.Next(height - h + 1), random.Next(width - w + 1), h, w);
        }
        return CentreFallback(height, width);
    }

    /// <summary>Crops and resizes every image of <paramref name="images"/> <c>[B, C, H, W]</c> with its own box; returns a new tensor.</summary>
    public Tensor Apply(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4)
            throw new ArgumentException($"Expected [B, C, H, W] images; got [{string.Join(", ", images.shape)}].", nameof(images));
        int height = (int)images.shape[2], width = (int)images.shape[3];
        var boxes = Enumerable.Range(0, (int)images.shape[0]).Select(_ => SampleBox(height, width)).ToArray();
        return CropAndResize(images, boxes, OutputHeight, OutputWidth);
    }

    /// <summary>
    /// Resizes box <c>i</c> of image <c>i</c> to <paramref name="outputHeight"/> x <paramref name="outputWidth"/>
    /// bilinearly, with the half-pixel convention of <c>interpolate(align_corners: false)</c>; as when
    /// the box is cut out first, sample points beyond the box's outer pixel centres read its border.
    /// </summary>
    public static Tensor CropAndResize(Tensor images, IReadOnlyList<CropBox> boxes, int outputHeight, int outputWidth)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(boxes);
        if (boxes.Count != images.shape[0])
            throw new ArgumentException($"Need one box per image: {images.shape[0]} images, {boxes.Count} boxes.", nameof(boxes));
        double height = images.shape[2], width = images.shape[3];

        // Output pixel u (normalised un) reads input x = left + (u + 1/2) w / W_out - 1/2, i.e. in
        // normalised input coordinates xn = (w / W) un + (2 left + w) / W - 1.
        var theta = boxes.SelectMany(b => new[]
        {
            (float)(b.Width / width), 0f, (float)((2.0 * b.Left + b.Width) / width - 1.0),
            0f, (float)(b.Height / height), (float)((2.0 * b.Top + b.Height) / height - 1.0),
        }).ToArray();

        // Pixel centre c is at normalised (2c + 1) / side - 1: clamp to the box's first and last centres.
        var bounds = boxes.SelectMany(b => new[]
        {
            (float)((2.0 * b.Left + 1) / width - 1.0), (float)((2.0 * (b.Left + b.Width - 1) + 1) / width - 1.0),
            (float)((2.0 * b.Top + 1) / height - 1.0), (float)((2.0 * (b.Top + b.Height - 1) + 1) / height - 1.0),
        }).ToArray();
        return AffineSampling.Sample(images, theta, outputHeight, outputWidth, fill: null, bounds);
    }

    private CropBox CentreFallback(int height, int width)
    {
        double inRatio = (double)width / height;
        int w = width, h = height;
        if (inRatio < Ratio.Min)
            h = (int)Math.Round(w / Ratio.Min, MidpointRounding.ToEven);
        else if (inRatio > Ratio.Max)
            w = (int)Math.Round(h * Ratio.Max, MidpointRounding.ToEven);
        return new CropBox((height - h) / 2, (width - w) / 2, h, w);
    }
}
