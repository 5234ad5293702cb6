namespace FofaDsl.Augmentation;

/// <summary>
/// The operations of timm's standard RandAugment list (<c>_RAND_TRANSFORMS</c>), in timm's order.
/// </summary>
public enum RandAugmentOp
{
    /// <summary>Stretch each channel to the full <c>[0, 255]</c> range (PIL <c>autocontrast</c>).</summary>
    AutoContrast,

    /// <summary>Histogram-equalise each channel (PIL <c>equalize</c>).</summary>
    Equalize,

    /// <summary><c>255 - p</c>.</summary>
    Invert,

    /// <summary>Rotate about the centre by the argument in degrees, counter-clockwise.</summary>
    Rotate,

    /// <summary>Keep the argument's number of most significant bits.</summary>
    Posterize,

    /// <summary>Invert the pixels at or above the argument threshold.</summary>
    Solarize,

    /// <summary>Add the argument to the pixels below 128 (saturating at 255).</summary>
    SolarizeAdd,

    /// <summary>Blend with the grey image by the argument factor (PIL <c>ImageEnhance.Color</c>).</summary>
    Color,

    /// <summary>Blend with the mean grey level by the argument factor (PIL <c>ImageEnhance.Contrast</c>).</summary>
    Contrast,

    /// <summary>Blend with black by the argument factor (PIL <c>ImageEnhance.Brightness</c>).</summary>
    Brightness,

    /// <summary>Blend with the 3x3 smoothed image by the argument factor (PIL <c>ImageEnhance.Sharpness</c>).</summary>
    Sharpness,

    /// <summary>Output <c>(x, y)</c> reads input <c>(x + f y, y)</c>.</summary>
    ShearX,

    /// <summary>Output <c>(x, y)</c> reads input <c>(x, y + f x)</c>.</summary>
    ShearY,

    /// <summary>Output <c>(x, y)</c> reads input <c>(x + f W, y)</c>.</summary>
    TranslateXRel,

    /// <summary>Output <c>(x, y)</c> reads input <c>(x, y + f H)</c>.</summary>
    TranslateYRel,
}
