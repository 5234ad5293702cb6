namespace FofaDsl.Data;

/// <summary>
/// How <see cref="ImageFolder"/> turns image files of any size into the fixed-size images of an
/// <see cref="ImageDataset"/>: resize the shorter side to <see cref="ResizeShorterSide"/> and cut the
/// centre <see cref="ImageSize"/> x <see cref="ImageSize"/> square (the usual ImageNet evaluation
/// transform), or, without <see cref="ResizeShorterSide"/>, stretch the whole image to that square.
/// </summary>
public sealed record ImageFolderOptions
{
    private static readonly float[] ImageNetMeanValues = [0.485f, 0.456f, 0.406f];
    private static readonly float[] ImageNetStdValues = [0.229f, 0.224f, 0.225f];

    /// <summary>Height and width of every image in the data set.</summary>
    public int ImageSize { get; init; } = 224;

    /// <summary>
    /// Length the shorter side is resized to (keeping the aspect ratio) before the centre crop;
    /// at least <see cref="ImageSize"/>. <see langword="null"/> resizes the whole image to
    /// <see cref="ImageSize"/> x <see cref="ImageSize"/> instead, without keeping the aspect ratio.
    /// </summary>
    public int? ResizeShorterSide { get; init; } = 256;

    /// <summary>
    /// One luminance channel (<c>0.299 R + 0.587 G + 0.114 B</c>, as PIL's <c>convert("L")</c>)
    /// instead of three RGB channels.
    /// </summary>
    public bool Grayscale { get; init; }

    /// <summary>
    /// Per-channel normalisation mean of the pixels scaled to [0, 1]; <see langword="null"/> takes
    /// <see cref="ImageNetMean"/> (for <see cref="Grayscale"/>, the average of its three values).
    /// </summary>
    public IReadOnlyList<float>? ChannelMean { get; init; }

    /// <summary>
    /// Per-channel normalisation standard deviation; <see langword="null"/> takes <see cref="ImageNetStd"/>
    /// (for <see cref="Grayscale"/>, the average of its three values).
    /// </summary>
    public IReadOnlyList<float>? ChannelStd { get; init; }

    /// <summary>Most images decoded at once; -1 lets <see cref="Parallel"/> use every core.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>The RGB mean of the ImageNet training pixels scaled to [0, 1].</summary>
    public static IReadOnlyList<float> ImageNetMean => ImageNetMeanValues;

    /// <summary>The RGB standard deviation of the ImageNet training pixels scaled to [0, 1].</summary>
    public static IReadOnlyList<float> ImageNetStd => ImageNetStdValues;

    /// <summary>Channels per image: 1 with <see cref="Grayscale"/>, else 3.</summary>
    public int Channels => Grayscale ? 1 : 3;

    /// <summary>
    /// The ImageNet evaluation transform at <paramref name="imageSize"/>: shorter side to
    /// <c>imageSize / 0.875</c> (256 for 224), centre crop, RGB, ImageNet statistics.
    /// </summary>
    public static ImageFolderOptions ImageNet(int imageSize = 224) => new()
    {
        ImageSize = imageSize,
        ResizeShorterSide = (int)Math.Round(imageSize / 0.875),
    };

    /// <summary>The normalisation mean of each channel, defaults filled in.</summary>
    public IReadOnlyList<float> ResolvedChannelMean() => ChannelMean ?? Default(ImageNetMeanValues);

    /// <summary>The normalisation standard deviation of each channel, defaults filled in.</summary>
    public IReadOnlyList<float> ResolvedChannelStd() => ChannelStd ?? Default(ImageNetStdValues);

    /// <summary>Checks the sizes and that there is one mean and one std per channel.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        if (ImageSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(ImageSize), ImageSize, "The image size must be positive.");
        if (ResizeShorterSide is int shorter && shorter < ImageSize)
        {
            throw new ArgumentOutOfRangeException(
                nameof(ResizeShorterSide), shorter, $"The shorter side must be resized to at least the crop size {ImageSize}.");
        }
        if (MaxDegreeOfParallelism == 0 || MaxDegreeOfParallelism < -1)
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "Use -1 (all cores) or a positive count.");
        if (ResolvedChannelMean().Count != Channels || ResolvedChannelStd().Count != Channels)
        {
            throw new ArgumentException(
                $"{Channels} channel(s) need {Channels} mean(s) and std(s), got {ResolvedChannelMean().Count} and {ResolvedChannelStd().Count}.",
                nameof(ChannelMean));
        }
    }

    private float[] Default(float[] rgb) => Grayscale ? [rgb.Average()] : rgb;
}
