using FofaDsl.Backbones;
using FofaDsl.Generators.Model;
using FofaDsl.Generators.Parsing;
using FofaDsl.Stages;

namespace FofaDsl.Generators.Tests;

/// <summary>
/// The generator computes stage shapes without running models; these tests build the runtime
/// models and check that both agree, for every family and several image sizes.
/// </summary>
public sealed class StageShapeParityTests
{
    [Theory]
    [InlineData(28, false)]
    [InlineData(30, true)]
    [InlineData(33, true)]
    [InlineData(224, true)]
    public void ResNet(int size, bool imageNetStem)
    {
        var model = new ResNet(ResNetOptions.ResNet18(10, imageNetStem ? ResNetStem.ImageNet : ResNetStem.Cifar, size, 1) with { BaseWidth = 4 });
        AssertSame(StageShapes.ResNet(size, imageNetStem, 4), model);
    }

    [Theory]
    [InlineData(28, 7)]
    [InlineData(32, 8)]
    public void VisionTransformer(int size, int patch)
    {
        var model = new VisionTransformer(VisionTransformerOptions.DeiTTiny(10, size, 1) with { PatchSize = patch, EmbedDim = 16, Depth = 4, Heads = 2 });
        AssertSame(StageShapes.VisionTransformer(size, patch, 16), model);
    }

    [Theory]
    [InlineData(32, 8)]
    [InlineData(28, 4)]
    public void Mlp_families(int size, int patch)
    {
        AssertSame(StageShapes.Mlp(size, patch, 16), new MlpMixer(MlpMixerOptions.MixerB16(10, size, 1) with { PatchSize = patch, EmbedDim = 16, Depth = 4 }));
        AssertSame(StageShapes.Mlp(size, patch, 16), new ResMlp(ResMlpOptions.ResMlpS12(10, size, 1) with { PatchSize = patch, EmbedDim = 16, Depth = 4 }));
    }

    [Theory]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(224)]
    public void MobileNetV2(int size) => AssertSame(StageShapes.MobileNetV2(size), new MobileNetV2(MobileNetV2Options.Standard(10, size, 1)));

    [Theory]
    [InlineData(64)]
    [InlineData(224)]
    public void ConvNeXt(int size) =>
        AssertSame(StageShapes.ConvNeXt(size, 8), new ConvNeXt(ConvNeXtOptions.Tiny(10, size, 1) with { Dims = [8, 16, 32, 64], Depths = [1, 1, 1, 1] }));

    [Theory]
    [InlineData(32, 2, 2)]
    [InlineData(64, 4, 2)]
    public void Swin(int size, int patch, int window) =>
        AssertSame(StageShapes.Swin(size, patch, 16), new SwinTransformer(SwinTransformerOptions.Pico(10, size, 1) with
        {
            PatchSize = patch, EmbedDim = 16, WindowSize = window, Depths = [1, 1, 1, 1], Heads = [1, 2, 2, 4],
        }));

    internal static void AssertSame((StageShape Stem, System.Collections.Immutable.ImmutableArray<StageShape> Stages) expected, StagedBackbone model)
    {
        Assert.Equal(ToRuntime(expected.Stem), model.StemGeometry);
        Assert.Equal(expected.Stages.Select(ToRuntime), model.StageGeometries);
    }

    private static StageGeometry ToRuntime(StageShape shape) =>
        new(shape.IsTokens ? StageLayout.Tokens : StageLayout.Spatial, shape.Channels, shape.Height, shape.Width, shape.HasClassToken);
}
