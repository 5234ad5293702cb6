namespace FofaDsl.Backbones;

/// <summary>
/// Configuration of a <see cref="ResNet"/> made of <see cref="BasicBlock"/>s. The defaults are
/// torchvision's ResNet18 at 224 pixels and 1000 classes.
/// </summary>
public sealed record ResNetOptions
{
    /// <summary>Number of classes the <c>fc</c> head predicts.</summary>
    public int NumClasses { get; init; } = 1000;

    /// <summary>Channels of the input images.</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>Side of the square input images; only the stage geometries depend on it.</summary>
    public int ImageSize { get; init; } = 224;

    /// <summary>Which input stem to build.</summary>
    public ResNetStem Stem { get; init; } = ResNetStem.ImageNet;

    /// <summary>Width of the stem and of layer1; layers 2..4 are 2, 4 and 8 times as wide.</summary>
    public int BaseWidth { get; init; } = 64;

    /// <summary>Number of basic blocks in layer1..layer4 (exactly four entries).</summary>
    public int[] BlocksPerStage { get; init; } = [2, 2, 2, 2];

    /// <summary>torchvision's ResNet18: two basic blocks per stage.</summary>
    public static ResNetOptions ResNet18(int numClasses = 1000, ResNetStem stem = ResNetStem.ImageNet, int imageSize = 224, int inputChannels = 3) =>
        new() { NumClasses = numClasses, Stem = stem, ImageSize = imageSize, InputChannels = inputChannels, BlocksPerStage = [2, 2, 2, 2] };

    /// <summary>torchvision's ResNet34: 3, 4, 6 and 3 basic blocks.</summary>
    public static ResNetOptions ResNet34(int numClasses = 1000, ResNetStem stem = ResNetStem.ImageNet, int imageSize = 224, int inputChannels = 3) =>
        new() { NumClasses = numClasses, Stem = stem, ImageSize = imageSize, InputChannels = inputChannels, BlocksPerStage = [3, 4, 6, 3] };

    /// <summary>Output channels of stage <paramref name="stage"/> (1..4).</summary>
    public int StageWidth(int stage) => BaseWidth << (stage - 1);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (NumClasses < 1) throw new ArgumentException($"NumClasses must be at least 1, got {NumClasses}.", nameof(NumClasses));
        if (InputChannels < 1) throw new ArgumentException($"InputChannels must be at least 1, got {InputChannels}.", nameof(InputChannels));
        if (ImageSize < 1) throw new ArgumentException($"ImageSize must be at least 1, got {ImageSize}.", nameof(ImageSize));
        if (BaseWidth < 1) throw new ArgumentException($"BaseWidth must be at least 1, got {BaseWidth}.", nameof(BaseWidth));
        if (!Enum.IsDefined(Stem)) throw new ArgumentException($"Unknown stem {Stem}.", nameof(Stem));
        if (BlocksPerStage is null || BlocksPerStage.Length != 4)
            throw new ArgumentException("BlocksPerStage must have exactly four entries, one per stage.", nameof(BlocksPerStage));
        if (BlocksPerStage.Any(n => n < 1))
            throw new ArgumentException($"Every stage needs at least one block, got [{string.Join(", ", BlocksPerStage)}].", nameof(BlocksPerStage));
    }
}
