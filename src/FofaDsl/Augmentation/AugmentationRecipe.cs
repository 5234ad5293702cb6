using static TorchSharp.torch;

namespace FofaDsl.Augmentation;

/// <summary>
/// A training-batch augmentation pipeline (method spec section 7) with reproducible randomness:
/// every step draws from its own <see cref="Random"/>, all seeded from one seed. It takes the
/// normalised batches <see cref="Data.BatchLoader"/> yields (or <c>[0, 1]</c> images through
/// <see cref="ApplyToUnitRange"/>) and returns normalised images with soft targets for
/// <see cref="SoftTargetCrossEntropy"/>.
/// </summary>
public sealed class AugmentationRecipe
{
    private readonly RandomResizedCrop crop;
    private readonly RandomHorizontalFlip? flip;
    private readonly RandAugment? randAugment;
    private readonly RandomErasing? erasing;
    private readonly MixupCutmix mixing;

    /// <summary>Creates the pipeline for <paramref name="numClasses"/> classes and images normalised with <paramref name="normalisation"/>.</summary>
    public AugmentationRecipe(AugmentationRecipeOptions options, ChannelNormalisation normalisation, int numClasses, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(normalisation);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.OutputSize);
        Options = options;
        Normalisation = normalisation;

        // One stream per step: switching a step on or off leaves the draws of the others unchanged.
        var seeds = new Random(seed);
        Random Next() => new(seeds.Next());
        var cropRandom = Next();
        var flipRandom = Next();
        var randAugmentRandom = Next();
        var erasingRandom = Next();
        var mixingRandom = Next();

        crop = new RandomResizedCrop(options.OutputSize, options.OutputSize, cropRandom, options.CropScale ?? (1.0, 1.0), options.CropScale is null ? (1.0, 1.0) : options.CropRatio);
        flip = options.FlipProbability > 0 ? new RandomHorizontalFlip(flipRandom, options.FlipProbability) : null;
        randAugment = options.RandAugment is { } ra ? new RandAugment(ra, normalisation.FillColour, randAugmentRandom) : null;
        erasing = options.RandomErasingProbability > 0 ? new RandomErasing(erasingRandom, options.RandomErasingProbability) : null;
        mixing = new MixupCutmix(numClasses, mixingRandom, options.MixupAlpha, options.CutmixAlpha, options.MixSwitchProbability, options.LabelSmoothing);
    }

    /// <summary>The CNN-student CIFAR recipe: random resized crop and flip; label smoothing 0.1 in the targets.</summary>
    public static AugmentationRecipe CnnCifar(int numClasses, ChannelNormalisation normalisation, int outputSize = 224, int seed = 0) =>
        new(new AugmentationRecipeOptions { OutputSize = outputSize, LabelSmoothing = 0.1 }, normalisation, numClasses, seed);

    /// <summary>
    /// The ViT/MLP-student CIFAR recipe: random resized crop, flip, RandAugment <c>rand-m9-mstd0.5</c>,
    /// random erasing 0.25, Mixup 0.8, CutMix 1.0 (switch 0.5), label smoothing 0.1.
    /// </summary>
    public static AugmentationRecipe VitCifar(int numClasses, ChannelNormalisation normalisation, int outputSize = 224, int seed = 0) =>
        new(new AugmentationRecipeOptions
        {
            OutputSize = outputSize,
            RandAugment = RandAugmentOptions.FromTimmConfig("rand-m9-mstd0.5"),
            RandomErasingProbability = 0.25,
            MixupAlpha = 0.8,
            CutmixAlpha = 1.0,
            LabelSmoothing = 0.1,
        }, normalisation, numClasses, seed);

    /// <summary>The settings.</summary>
    public AugmentationRecipeOptions Options { get; }

    /// <summary>The normalisation of the input and output images.</summary>
    public ChannelNormalisation Normalisation { get; }

    /// <summary>Augments NORMALISED <paramref name="images"/> <c>[B, C, H, W]</c> with int64 <paramref name="labels"/> <c>[B]</c>; returns new normalised images <c>[B, C, S, S]</c> and soft targets <c>[B, K]</c>.</summary>
    public (Tensor Images, Tensor SoftTargets) Apply(Tensor images, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var scope = NewDisposeScope();
        var (mixed, targets) = ApplyToUnitRange(Normalisation.Denormalise(images), labels);
        return (mixed.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope());
    }

    /// <summary>Augments <paramref name="unitImages"/> in <c>[0, 1]</c>; returns new NORMALISED images and soft targets.</summary>
    public (Tensor Images, Tensor SoftTargets) ApplyToUnitRange(Tensor unitImages, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(unitImages);
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        var x = crop.Apply(unitImages);
        if (flip is not null)
            x = flip.Apply(x);
        if (randAugment is not null)
            x = randAugment.Apply(x);
        x = Normalisation.Normalise(x);
        if (erasing is not null)
            x = erasing.Apply(x);
        var (mixed, targets) = mixing.Apply(x, labels);
        return (mixed.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope());
    }
}
