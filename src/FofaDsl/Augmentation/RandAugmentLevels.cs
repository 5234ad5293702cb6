namespace FofaDsl.Augmentation;

/// <summary>
/// timm's mapping from a RandAugment magnitude (0 to 10, <c>_LEVEL_DENOM</c> = 10) to each op's
/// argument (<c>LEVEL_TO_ARG</c> for the non-"increasing" ops).
/// </summary>
public static class RandAugmentLevels
{
    /// <summary>timm's magnitude denominator: magnitude 10 is the strongest standard setting.</summary>
    public const double LevelDenominator = 10.0;

    /// <summary>timm's default <c>translate_pct</c>: TranslateXRel/YRel shift by up to 45% of the side.</summary>
    public const double DefaultTranslatePercent = 0.45;

    /// <summary>
    /// Whether timm negates the op's argument with probability 1/2 (<c>_randomly_negate</c>):
    /// rotations, shears and translations.
    /// </summary>
    public static bool IsSigned(RandAugmentOp op) => op is RandAugmentOp.Rotate
        or RandAugmentOp.ShearX or RandAugmentOp.ShearY
        or RandAugmentOp.TranslateXRel or RandAugmentOp.TranslateYRel;

    /// <summary>
    /// The unsigned argument of <paramref name="op"/> at <paramref name="magnitude"/>: degrees
    /// <c>m/10 * 30</c>; posterize bits <c>int(m/10 * 4)</c>; solarize threshold <c>int(m/10 * 256)</c>;
    /// solarize-add <c>int(m/10 * 110)</c>; enhance factor <c>m/10 * 1.8 + 0.1</c>; shear <c>m/10 * 0.3</c>;
    /// translate fraction <c>m/10 * translatePercent</c>; 0 for the ops without an argument.
    /// </summary>
    public static double Argument(RandAugmentOp op, double magnitude, double translatePercent = DefaultTranslatePercent)
    {
        double level = magnitude / LevelDenominator;
        return op switch
        {
            RandAugmentOp.AutoContrast or RandAugmentOp.Equalize or RandAugmentOp.Invert => 0.0,
            RandAugmentOp.Rotate => level * 30.0,
            RandAugmentOp.Posterize => Math.Truncate(level * 4.0),
            RandAugmentOp.Solarize => Math.Truncate(level * 256.0),
            RandAugmentOp.SolarizeAdd => Math.Truncate(level * 110.0),
            RandAugmentOp.Color or RandAugmentOp.Contrast or RandAugmentOp.Brightness or RandAugmentOp.Sharpness => level * 1.8 + 0.1,
            RandAugmentOp.ShearX or RandAugmentOp.ShearY => level * 0.3,
            RandAugmentOp.TranslateXRel or RandAugmentOp.TranslateYRel => level * translatePercent,
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown RandAugment op."),
        };
    }
}
