using FofaDsl.Backbones;

namespace FofaDsl.Tests.Methods;

/// <summary>A CNN and a ViT small enough for step tests on 16x16 images.</summary>
internal static class DistillationModels
{
    public const int Classes = 5;

    /// <summary>Stages 4@16, 8@8, 16@4, 32@2; embedding width 32.</summary>
    public static ResNet TinyResNet(int inputChannels = 3, int imageSize = 16, int classes = Classes) => new(new ResNetOptions
    {
        NumClasses = classes, InputChannels = inputChannels, ImageSize = imageSize, Stem = ResNetStem.Cifar, BaseWidth = 4, BlocksPerStage = [1, 1, 1, 1],
    });

    /// <summary>A 4x4 token grid plus a class token, width 16; embedding width 16.</summary>
    public static VisionTransformer TinyVit(int inputChannels = 3, int imageSize = 16, int classes = Classes) => new(new VisionTransformerOptions
    {
        NumClasses = classes, InputChannels = inputChannels, ImageSize = imageSize, PatchSize = imageSize / 4, EmbedDim = 16, Depth = 4, Heads = 2,
    });
}
