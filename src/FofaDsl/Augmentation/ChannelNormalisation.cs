using FofaDsl.Data;
using static TorchSharp.torch;

namespace FofaDsl.Augmentation;

/// <summary>
/// Per-channel normalisation constants: an image in <c>[0, 1]</c> becomes <c>(x - Mean[c]) / Std[c]</c>.
/// The augmentations that need pixel values (RandAugment) run on <c>[0, 1]</c> images between
/// <see cref="Denormalise"/> and <see cref="Normalise"/>.
/// </summary>
public sealed class ChannelNormalisation
{
    private readonly float[] mean;
    private readonly float[] std;

    /// <summary>Creates the constants for <c>Mean.Count</c> channels.</summary>
    /// <exception cref="ArgumentException">The lists differ in length, are empty, or a std is not positive.</exception>
    public ChannelNormalisation(IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count == 0 || mean.Count != std.Count)
            throw new ArgumentException($"Need one mean and one std per channel; got {mean.Count} means and {std.Count} stds.", nameof(std));
        if (std.Any(s => !(s > 0) || !float.IsFinite(s)))
            throw new ArgumentException("Every std must be positive and finite.", nameof(std));
        this.mean = mean.ToArray();
        this.std = std.ToArray();
    }

    /// <summary>timm's <c>IMAGENET_DEFAULT_MEAN</c> / <c>IMAGENET_DEFAULT_STD</c>.</summary>
    public static ChannelNormalisation ImageNet { get; } = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>The usual CIFAR-100 training-set statistics.</summary>
    public static ChannelNormalisation Cifar100 { get; } = new([0.5071f, 0.4865f, 0.4409f], [0.2673f, 0.2564f, 0.2762f]);

    /// <summary>The same <paramref name="mean"/> and <paramref name="std"/> on each of <paramref name="channels"/> channels.</summary>
    public static ChannelNormalisation Uniform(float mean, float std, int channels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        return new(Enumerable.Repeat(mean, channels).ToArray(), Enumerable.Repeat(std, channels).ToArray());
    }

    /// <summary>The constants <see cref="BatchLoader"/> normalises <paramref name="dataset"/> with.</summary>
    public static ChannelNormalisation FromDataset(ImageDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return Uniform(dataset.Mean, dataset.Std, dataset.Channels);
    }

    /// <summary>Number of channels.</summary>
    public int Channels => mean.Length;

    /// <summary>Mean of each channel in <c>[0, 1]</c> units.</summary>
    public IReadOnlyList<float> Mean => mean;

    /// <summary>Standard deviation of each channel in <c>[0, 1]</c> units.</summary>
    public IReadOnlyList<float> Std => std;

    /// <summary>
    /// The colour the geometric RandAugment ops fill uncovered pixels with: the mean rounded to a byte,
    /// as timm's <c>img_mean</c> hyper-parameter (<c>round(255 * mean) / 255</c>).
    /// </summary>
    public IReadOnlyList<float> FillColour => mean.Select(m => Math.Min(255f, MathF.Round(255f * m, MidpointRounding.ToEven)) / 255f).ToArray();

    /// <summary><c>(x - mean) / std</c> for <c>[B, C, H, W]</c> images in <c>[0, 1]</c>; a new tensor.</summary>
    public Tensor Normalise(Tensor unitImages)
    {
        CheckChannels(unitImages);
        using var scope = NewDisposeScope();
        return ((unitImages - MeanTensor(unitImages)) / StdTensor(unitImages)).MoveToOuterDisposeScope();
    }

    /// <summary><c>x * std + mean</c>: back to <c>[0, 1]</c> units; a new tensor.</summary>
    public Tensor Denormalise(Tensor normalisedImages)
    {
        CheckChannels(normalisedImages);
        using var scope = NewDisposeScope();
        return (normalisedImages * StdTensor(normalisedImages) + MeanTensor(normalisedImages)).MoveToOuterDisposeScope();
    }

    private Tensor MeanTensor(Tensor like) => tensor(mean, [1, mean.Length, 1, 1]).to(like.dtype, like.device);

    private Tensor StdTensor(Tensor like) => tensor(std, [1, std.Length, 1, 1]).to(like.dtype, like.device);

    private void CheckChannels(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] != mean.Length)
            throw new ArgumentException($"Expected [B, {mean.Length}, H, W] images; got [{string.Join(", ", images.shape)}].", nameof(images));
    }
}
