namespace FofaDsl.Backbones;

/// <summary>
/// Configuration of a timm-style <see cref="MobileNetV2"/>. The defaults are timm's
/// <c>mobilenetv2_100</c> at 224 pixels and 1000 classes.
/// </summary>
public sealed record MobileNetV2Options
{
    /// <summary>Number of classes the <c>classifier</c> predicts.</summary>
    public int NumClasses { get; init; } = 1000;

    /// <summary>Channels of the input images.</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>Side of the square input images; only the stage geometries depend on it.</summary>
    public int ImageSize { get; init; } = 224;

    /// <summary>
    /// Scales every width (stem and blocks) before rounding to a multiple of 8, as timm's
    /// <c>channel_multiplier</c>; the head keeps at least 1280 channels.
    /// </summary>
    public double WidthMultiplier { get; init; } = 1.0;

    /// <summary>Width of the stem convolution: 32 scaled and rounded.</summary>
    public int StemWidth => ScaledWidth(32);

    /// <summary>Width of <c>conv_head</c>: 1280, or more when the multiplier exceeds 1 (timm never shrinks it).</summary>
    public int HeadWidth => Math.Max(1280, ScaledWidth(1280));

    /// <summary>timm's <c>mobilenetv2_100</c> (width multiplier 1.0) or one of its width variants.</summary>
    public static MobileNetV2Options Standard(int numClasses = 1000, int imageSize = 224, int inputChannels = 3, double widthMultiplier = 1.0) =>
        new() { NumClasses = numClasses, ImageSize = imageSize, InputChannels = inputChannels, WidthMultiplier = widthMultiplier };

    /// <summary>A base width scaled by <see cref="WidthMultiplier"/> and rounded to a multiple of 8.</summary>
    public int ScaledWidth(int baseWidth) => ChannelRounding.Round(baseWidth, WidthMultiplier);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (NumClasses < 1) throw new ArgumentException($"NumClasses must be at least 1, got {NumClasses}.", nameof(NumClasses));
        if (InputChannels < 1) throw new ArgumentException($"InputChannels must be at least 1, got {InputChannels}.", nameof(InputChannels));
        if (ImageSize < 1) throw new ArgumentException($"ImageSize must be at least 1, got {ImageSize}.", nameof(ImageSize));
        if (!(WidthMultiplier > 0) || double.IsInfinity(WidthMultiplier))
            throw new ArgumentException($"WidthMultiplier must be a positive finite number, got {WidthMultiplier}.", nameof(WidthMultiplier));
    }
}
