using static TorchSharp.torch;

namespace FofaDsl.Augmentation;

/// <summary>Mirrors each image left-right with probability <see cref="Probability"/>, drawn per image.</summary>
public sealed class RandomHorizontalFlip
{
    private readonly Random random;

    /// <summary>Creates the transform.</summary>
    public RandomHorizontalFlip(Random random, double probability = 0.5)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(probability);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(probability, 1.0);
        this.random = random;
        Probability = probability;
    }

    /// <summary>Chance that an image is mirrored.</summary>
    public double Probability { get; }

    /// <summary>Draws which of <paramref name="count"/> images are mirrored.</summary>
    public bool[] Sample(int count) => Enumerable.Range(0, count).Select(_ => random.NextDouble() < Probability).ToArray();

    /// <summary>Mirrors the images of <paramref name="images"/> <c>[B, C, H, W]</c> a fresh draw picks; returns a new tensor.</summary>
    public Tensor Apply(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return Apply(images, Sample((int)images.shape[0]));
    }

    /// <summary>Mirrors image <c>i</c> where <paramref name="flip"/>[i] is true; returns a new tensor.</summary>
    public static Tensor Apply(Tensor images, IReadOnlyList<bool> flip)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(flip);
        if (images.dim() != 4 || flip.Count != images.shape[0])
            throw new ArgumentException($"Need [B, C, H, W] images and one flag per image; got [{string.Join(", ", images.shape)}] and {flip.Count} flags.");
        using var scope = NewDisposeScope();
        var mask = tensor(flip.ToArray(), device: images.device).reshape(-1, 1, 1, 1);
        return where(mask, images.flip(3), images).MoveToOuterDisposeScope();
    }
}
