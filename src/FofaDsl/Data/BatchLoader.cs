using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Data;

/// <summary>
/// Walks an <see cref="ImageDataset"/> in mini-batches of normalised float32 images
/// <c>[B, C, H, W]</c> and int64 labels <c>[B]</c> on the CPU. Shuffling and flipping use
/// <see cref="System.Random"/> seeded from <see cref="BatchLoaderOptions.Seed"/> and the epoch,
/// so the batches are identical across runs and independent of torch's random state.
/// </summary>
public sealed class BatchLoader
{
    // Keeps the flip stream apart from the shuffle stream, which is seeded with seed + epoch.
    private const int FlipSeedSalt = 0x5F3759DF;

    private readonly float[] normalisedByPixel;

    /// <summary>Creates a loader over <paramref name="dataset"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The batch size is not positive.</exception>
    public BatchLoader(ImageDataset dataset, BatchLoaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize, "options.BatchSize");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.ShardCount, "options.ShardCount");
        if (options.ShardCount > 1 && (options.BatchSize % options.ShardCount != 0 || !options.DropLast))
            throw new ArgumentException($"A batch of {options.BatchSize} cannot be split evenly over {options.ShardCount} processes: use a batch size divisible by the number of processes.", nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.ShardIndex, "options.ShardIndex");
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(options.ShardIndex, options.ShardCount, "options.ShardIndex");
        Dataset = dataset;
        Options = options;

        // 256 possible pixel values per channel: normalise by table lookup instead of arithmetic
        // per pixel; channel c's table starts at 256 c.
        normalisedByPixel = new float[256 * dataset.Channels];
        for (int c = 0; c < dataset.Channels; c++)
        {
            float mean = dataset.ChannelMean[c];
            float std = dataset.ChannelStd[c];
            for (int p = 0; p < 256; p++)
                normalisedByPixel[256 * c + p] = (p / 255f - mean) / std;
        }
    }

    /// <summary>The data set being walked.</summary>
    public ImageDataset Dataset { get; }

    /// <summary>How it is walked.</summary>
    public BatchLoaderOptions Options { get; }

    /// <summary>Number of batches <see cref="Epoch"/> yields.</summary>
    public int BatchesPerEpoch => Options.DropLast
        ? Dataset.Count / Options.BatchSize
        : (Dataset.Count + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>
    /// The image indices in the order epoch <paramref name="epoch"/> visits them: the data set
    /// order, or with <see cref="BatchLoaderOptions.Shuffle"/> a Fisher-Yates shuffle driven by
    /// <c>new Random(Seed + epoch)</c>.
    /// </summary>
    public int[] OrderFor(int epoch)
    {
        var order = new int[Dataset.Count];
        for (int i = 0; i < order.Length; i++)
            order[i] = i;
        if (!Options.Shuffle)
            return order;

        var random = new Random(unchecked(Options.Seed + epoch));
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/>, made lazily. Each tensor is new and owned by
    /// the caller: dispose it, or enumerate inside a dispose scope.
    /// </summary>
    public IEnumerable<(Tensor Images, Tensor Labels)> Epoch(int epoch)
    {
        foreach (var (images, labels, _) in Batches(epoch, withIndices: false))
            yield return (images, labels);
    }

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/> as <see cref="Epoch"/> makes them, each with the
    /// data-set index of every image (<c>[B]</c>, int64: the positions in <see cref="OrderFor"/>), which
    /// CRD's memory bank is addressed by. Each tensor is new and owned by the caller.
    /// </summary>
    public IEnumerable<(Tensor Images, Tensor Labels, Tensor Indices)> EpochWithIndices(int epoch)
    {
        foreach (var (images, labels, indices) in Batches(epoch, withIndices: true))
            yield return (images, labels, indices!);
    }

    private IEnumerable<(Tensor Images, Tensor Labels, Tensor? Indices)> Batches(int epoch, bool withIndices)
    {
        int[] order = OrderFor(epoch);
        int batches = BatchesPerEpoch;
        int batchSize = Options.BatchSize;
        int imageSize = Dataset.ImageSize;
        var flipRandom = Options.RandomHorizontalFlip ? new Random(unchecked(Options.Seed + epoch) ^ FlipSeedSalt) : null;

        // One buffer reused for every batch: torch.tensor copies it into the tensor.
        var imageBuffer = new float[Math.Min(batchSize, Math.Max(order.Length, 1)) * imageSize];
        var labelBuffer = new long[Math.Min(batchSize, Math.Max(order.Length, 1))];
        var indexBuffer = new long[labelBuffer.Length];

        for (int b = 0; b < batches; b++)
        {
            int start = b * batchSize;
            int whole = Math.Min(batchSize, order.Length - start);
            // A shard's slice of the batch (the whole batch for one process); every image still draws its flip, so each
            // process's slice is flipped as the whole batch would be.
            int size = whole / Options.ShardCount;
            int first = Options.ShardIndex * size;
            for (int k = 0; k < whole; k++)
            {
                int index = order[start + k];
                bool flip = flipRandom is not null && flipRandom.Next(2) == 1;
                if (k < first || k >= first + size) continue;
                int slot = k - first;
                WriteImage(Dataset.Image(index), imageBuffer.AsSpan(slot * imageSize, imageSize), flip);
                labelBuffer[slot] = Dataset.Label(index);
                indexBuffer[slot] = index;
            }

            var images = torch.tensor(
                new Memory<float>(imageBuffer, 0, size * imageSize), [size, Dataset.Channels, Dataset.Height, Dataset.Width]);
            var labels = torch.tensor(new Memory<long>(labelBuffer, 0, size), [size]);
            var indices = withIndices ? torch.tensor(new Memory<long>(indexBuffer, 0, size), [size]) : null;
            yield return (images, labels, indices);
        }
    }

    private void WriteImage(ReadOnlySpan<byte> source, Span<float> target, bool flip)
    {
        // The layout is [C, H, W]: each channel is one plane with its own lookup table.
        int planeSize = Dataset.Height * Dataset.Width;
        for (int c = 0; c < Dataset.Channels; c++)
        {
            var table = normalisedByPixel.AsSpan(256 * c, 256);
            var sourcePlane = source.Slice(c * planeSize, planeSize);
            var targetPlane = target.Slice(c * planeSize, planeSize);
            if (!flip)
            {
                for (int i = 0; i < sourcePlane.Length; i++)
                    targetPlane[i] = table[sourcePlane[i]];
                continue;
            }

            // Mirror every row: rows are W long.
            int width = Dataset.Width;
            for (int rowStart = 0; rowStart < planeSize; rowStart += width)
            {
                for (int x = 0; x < width; x++)
                    targetPlane[rowStart + x] = table[sourcePlane[rowStart + width - 1 - x]];
            }
        }
    }
}
