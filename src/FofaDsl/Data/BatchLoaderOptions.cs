namespace FofaDsl.Data;

/// <summary>How a <see cref="BatchLoader"/> walks its data set.</summary>
public sealed record BatchLoaderOptions
{
    /// <summary>Images per batch (the last batch may hold fewer unless <see cref="DropLast"/>).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Visit the images in a new order every epoch, drawn from <see cref="Seed"/> and the epoch number.</summary>
    public bool Shuffle { get; init; }

    /// <summary>Seed of the shuffle and the flips; the same seed and epoch give the same batches.</summary>
    public int Seed { get; init; }

    /// <summary>Skip the last, partial batch (training, where a tiny batch upsets BatchNorm); keep it for evaluation.</summary>
    public bool DropLast { get; init; }

    /// <summary>Mirror each image left-right with probability 1/2 (training augmentation).</summary>
    public bool RandomHorizontalFlip { get; init; }

    /// <summary>
    /// Which part of every batch this process makes, for data-parallel training over <see cref="ShardCount"/> processes:
    /// each batch of <see cref="BatchSize"/> images is the same on every process (one order from the seed) and process
    /// <see cref="ShardIndex"/> takes its contiguous slice of <c>BatchSize / ShardCount</c> images. 0 of 1 is the whole batch.
    /// </summary>
    internal int ShardIndex { get; init; }

    /// <inheritdoc cref="ShardIndex"/>
    internal int ShardCount { get; init; } = 1;

    /// <summary>Training: shuffled with <paramref name="seed"/>, last partial batch dropped.</summary>
    public static BatchLoaderOptions Training(int batchSize, int seed, bool randomHorizontalFlip = false) => new()
    {
        BatchSize = batchSize,
        Shuffle = true,
        Seed = seed,
        DropLast = true,
        RandomHorizontalFlip = randomHorizontalFlip,
    };

    /// <summary>Evaluation: original order, every image visited, no augmentation.</summary>
    public static BatchLoaderOptions Evaluation(int batchSize) => new() { BatchSize = batchSize };
}
