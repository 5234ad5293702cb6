namespace FofaDsl.Augmentation;

/// <summary>One op applied to one image, with its argument already mapped from the magnitude (and negated where timm does).</summary>
/// <param name="Op">The operation.</param>
/// <param name="Argument">Its argument, as <see cref="RandAugmentOps.Apply"/> takes it.</param>
public readonly record struct RandAugmentStep(RandAugmentOp Op, double Argument);
