namespace FofaDsl.Augmentation;

/// <summary>
/// What an <see cref="AugmentationRecipe"/> does to a training batch; a switch at its neutral value
/// (null, 0) leaves that step out. The steps run in timm's order: random resized crop, flip,
/// RandAugment (on <c>[0, 1]</c> pixels), normalise, random erasing, Mixup/CutMix.
/// </summary>
public sealed record AugmentationRecipeOptions
{
    /// <summary>Side of the square training images the recipe outputs (the paper resizes everything to 224).</summary>
    public required int OutputSize { get; init; }

    /// <summary>Area range of the random resized crop; null resizes the whole image (its centre square if not square) instead.</summary>
    public (double Min, double Max)? CropScale { get; init; } = (0.08, 1.0);

    /// <summary>Aspect-ratio range of the random resized crop.</summary>
    public (double Min, double Max) CropRatio { get; init; } = (3.0 / 4.0, 4.0 / 3.0);

    /// <summary>Chance of a horizontal flip.</summary>
    public double FlipProbability { get; init; } = 0.5;

    /// <summary>RandAugment settings; null for none.</summary>
    public RandAugmentOptions? RandAugment { get; init; }

    /// <summary>Chance that random erasing (pixel mode) touches an image; 0 for none.</summary>
    public double RandomErasingProbability { get; init; }

    /// <summary>Mixup Beta parameter; 0 for none.</summary>
    public double MixupAlpha { get; init; }

    /// <summary>CutMix Beta parameter; 0 for none.</summary>
    public double CutmixAlpha { get; init; }

    /// <summary>Chance of CutMix rather than Mixup when both are on.</summary>
    public double MixSwitchProbability { get; init; } = 0.5;

    /// <summary>Label smoothing folded into the soft targets.</summary>
    public double LabelSmoothing { get; init; }
}
