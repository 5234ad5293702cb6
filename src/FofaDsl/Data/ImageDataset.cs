namespace FofaDsl.Data;

/// <summary>
/// An immutable in-memory image classification set: byte pixels laid out <c>[N, C, H, W]</c>,
/// one byte label per image, the class names, and the normalisation constants that turn a pixel
/// <c>p</c> of channel <c>c</c> into <c>(p / 255 - ChannelMean[c]) / ChannelStd[c]</c>. A data set made
/// with one scalar <c>mean</c>/<c>std</c> uses that pair for every channel.
/// </summary>
public sealed class ImageDataset
{
    private readonly byte[] pixels;
    private readonly byte[] labels;
    private readonly string[] classNames;
    private readonly float[] channelMean;
    private readonly float[] channelStd;

    /// <summary>
    /// Creates a data set from copies of <paramref name="pixels"/> (<c>[N, C, H, W]</c>) and
    /// <paramref name="labels"/> (<c>[N]</c>, each below the number of <paramref name="classNames"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The sizes do not agree, a label names no class, or <paramref name="std"/> is not positive.</exception>
    public ImageDataset(
        ReadOnlySpan<byte> pixels, ReadOnlySpan<byte> labels, int channels, int height, int width,
        IReadOnlyList<string> classNames, float mean, float std)
        : this(pixels, labels, channels, height, width, classNames, Repeat(mean, channels), Repeat(std, channels))
    {
    }

    /// <summary>
    /// Creates a data set like the scalar constructor, normalised per channel: <paramref name="channelMean"/>
    /// and <paramref name="channelStd"/> hold one value per channel (e.g. the RGB statistics of CIFAR or ImageNet).
    /// </summary>
    /// <exception cref="ArgumentException">The sizes do not agree, a label names no class, there is not one mean and std per channel, or a std is not positive.</exception>
    public ImageDataset(
        ReadOnlySpan<byte> pixels, ReadOnlySpan<byte> labels, int channels, int height, int width,
        IReadOnlyList<string> classNames, IReadOnlyList<float> channelMean, IReadOnlyList<float> channelStd)
        : this(pixels.ToArray(), labels.ToArray(), channels, height, width, classNames?.ToArray()!, channelMean?.ToArray()!, channelStd?.ToArray()!)
    {
        for (int i = 0; i < this.labels.Length; i++)
        {
            if (this.labels[i] >= this.classNames.Length)
                throw new ArgumentException($"Label {this.labels[i]} at index {i} is outside the {this.classNames.Length} classes.", nameof(labels));
        }
    }

    // Takes ownership of the arrays: callers never touch them again.
    private ImageDataset(
        byte[] pixels, byte[] labels, int channels, int height, int width, string[] classNames, float[] channelMean, float[] channelStd)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(channelMean);
        ArgumentNullException.ThrowIfNull(channelStd);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (classNames.Length == 0)
            throw new ArgumentException("A data set needs at least one class name.", nameof(classNames));
        if (channelMean.Length != channels || channelStd.Length != channels)
        {
            throw new ArgumentException(
                $"{channels} channel(s) need as many means and stds, got {channelMean.Length} and {channelStd.Length}.", nameof(channelMean));
        }
        foreach (float std in channelStd)
        {
            if (!(std > 0) || !float.IsFinite(std))
                throw new ArgumentOutOfRangeException(nameof(channelStd), std, "The normalisation standard deviation must be positive.");
        }
        foreach (float mean in channelMean)
        {
            if (!float.IsFinite(mean))
                throw new ArgumentOutOfRangeException(nameof(channelMean), mean, "The normalisation mean must be finite.");
        }

        long imageSize = (long)channels * height * width;
        if ((long)labels.Length * imageSize != pixels.Length)
        {
            throw new ArgumentException(
                $"{labels.Length} labels need {labels.Length * imageSize} pixels of {channels}x{height}x{width}, got {pixels.Length}.",
                nameof(pixels));
        }

        this.pixels = pixels;
        this.labels = labels;
        this.classNames = classNames;
        Channels = channels;
        Height = height;
        Width = width;
        this.channelMean = channelMean;
        this.channelStd = channelStd;
    }

    /// <summary>Wraps arrays without copying them; the caller hands them over and keeps no reference.</summary>
    internal static ImageDataset Wrap(
        byte[] pixels, byte[] labels, int channels, int height, int width, IReadOnlyList<string> classNames, float mean, float std) =>
        new(pixels, labels, channels, height, width, classNames.ToArray(), Repeat(mean, channels), Repeat(std, channels));

    /// <summary>Wraps arrays without copying them, normalised per channel; the caller checked the labels.</summary>
    internal static ImageDataset Wrap(
        byte[] pixels, byte[] labels, int channels, int height, int width, IReadOnlyList<string> classNames,
        IReadOnlyList<float> channelMean, IReadOnlyList<float> channelStd) =>
        new(pixels, labels, channels, height, width, classNames.ToArray(), channelMean.ToArray(), channelStd.ToArray());

    // A negative channel count is reported by the constructor's own check, so it must not throw here.
    private static float[] Repeat(float value, int channels) => Enumerable.Repeat(value, Math.Max(channels, 0)).ToArray();

    /// <summary>Number of images.</summary>
    public int Count => labels.Length;

    /// <summary>Channels per image (1 for grayscale).</summary>
    public int Channels { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Bytes per image: <c>Channels * Height * Width</c>.</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>Number of classes; every label is below it.</summary>
    public int ClassCount => classNames.Length;

    /// <summary>Readable class names, indexed by label.</summary>
    public IReadOnlyList<string> ClassNames => classNames;

    /// <summary>
    /// Mean of the pixels scaled to [0, 1], subtracted when normalising: the scalar given to the
    /// constructor, or for per-channel statistics the average of <see cref="ChannelMean"/>.
    /// </summary>
    public float Mean => channelMean.Average();

    /// <summary>
    /// Standard deviation of the pixels scaled to [0, 1], divided by when normalising: the scalar
    /// given to the constructor, or for per-channel statistics the average of <see cref="ChannelStd"/>.
    /// </summary>
    public float Std => channelStd.Average();

    /// <summary>Mean of each channel's pixels scaled to [0, 1], indexed by channel.</summary>
    public IReadOnlyList<float> ChannelMean => channelMean;

    /// <summary>Standard deviation of each channel's pixels scaled to [0, 1], indexed by channel.</summary>
    public IReadOnlyList<float> ChannelStd => channelStd;

    /// <summary>All pixels, <c>[N, C, H, W]</c> in row-major order.</summary>
    public ReadOnlySpan<byte> Pixels => pixels;

    /// <summary>All labels, one per image.</summary>
    public ReadOnlySpan<byte> Labels => labels;

    /// <summary>The pixels of image <paramref name="index"/>, <c>[C, H, W]</c>.</summary>
    public ReadOnlySpan<byte> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return pixels.AsSpan(index * ImageSize, ImageSize);
    }

    /// <summary>The label of image <paramref name="index"/>.</summary>
    public byte Label(int index) => labels[index];

    /// <summary>How many images each class has, indexed by label.</summary>
    public int[] CountPerClass()
    {
        var counts = new int[ClassCount];
        foreach (byte label in labels)
            counts[label]++;
        return counts;
    }

    /// <summary>
    /// A new data set of the images at <paramref name="indices"/>, in that order (an index may
    /// repeat), with the same classes and normalisation constants.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the data set.</exception>
    public ImageDataset Subset(IEnumerable<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var chosen = indices as IReadOnlyCollection<int> ?? indices.ToArray();
        int imageSize = ImageSize;
        var subsetPixels = new byte[(long)chosen.Count * imageSize];
        var subsetLabels = new byte[chosen.Count];
        int j = 0;
        foreach (int index in chosen)
        {
            Image(index).CopyTo(subsetPixels.AsSpan(j * imageSize, imageSize));
            subsetLabels[j] = labels[index];
            j++;
        }
        return new ImageDataset(subsetPixels, subsetLabels, Channels, Height, Width, classNames, channelMean, channelStd);
    }

    /// <summary>A new data set of the first <paramref name="count"/> images (all of them when there are fewer).</summary>
    public ImageDataset Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Subset(Enumerable.Range(0, Math.Min(count, Count)));
    }

    /// <summary>
    /// A new data set of about <paramref name="count"/> images with the classes as balanced as
    /// possible: classes take turns, each contributing its images in their original order.
    /// </summary>
    public ImageDataset BalancedSubset(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var byClass = Enumerable.Range(0, ClassCount).Select(_ => new Queue<int>()).ToArray();
        for (var i = 0; i < Count; i++) byClass[labels[i]].Enqueue(i);
        var chosen = new List<int>(Math.Min(count, Count));
        while (chosen.Count < Math.Min(count, Count))
        {
            foreach (var queue in byClass)
                if (chosen.Count < count && queue.Count > 0) chosen.Add(queue.Dequeue());
        }
        chosen.Sort();
        return Subset(chosen);
    }
}
