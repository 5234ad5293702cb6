using System.Reflection;
using FofaDsl.Backbones;
using FofaDsl.Stages;

namespace FofaDsl.Tests.Backbones;

/// <summary>Every built-in model's [StageGeometry] declaration matches the shapes the model produces, across sizes and knobs.</summary>
[Collection(TorchCollection.Name)]
public sealed class DeclaredGeometryTests
{
    public static TheoryData<string, Func<StagedBackbone>, int, int, int, int> Models => new()
    {
        // name, factory, image size, width knob, patch knob, stride divisor
        { "ResNet ImageNet stem", () => new ResNet(ResNetOptions.ResNet18(10, ResNetStem.ImageNet, 33, 1) with { BaseWidth = 4 }), 33, 4, 0, 1 },
        { "ResNet CIFAR stem", () => new ResNet(ResNetOptions.ResNet18(10, ResNetStem.Cifar, 28, 1) with { BaseWidth = 8 }), 28, 8, 0, 4 },
        { "ViT", () => new VisionTransformer(VisionTransformerOptions.DeiTTiny(10, 28, 1) with { PatchSize = 7, EmbedDim = 16, Depth = 4, Heads = 2 }), 28, 16, 7, 1 },
        { "MobileNetV2", () => new MobileNetV2(MobileNetV2Options.Standard(10, 33, 1)), 33, 0, 0, 1 },
        { "ConvNeXt", () => new ConvNeXt(ConvNeXtOptions.Tiny(10, 64, 1) with { Dims = [8, 16, 32, 64], Depths = [1, 1, 1, 1] }), 64, 8, 0, 1 },
        { "Swin", () => new SwinTransformer(SwinTransformerOptions.Pico(10, 32, 1) with { PatchSize = 2, EmbedDim = 16, WindowSize = 2, Depths = [1, 1, 1, 1], Heads = [1, 2, 2, 4] }), 32, 16, 2, 1 },
        { "MLP-Mixer", () => new MlpMixer(MlpMixerOptions.MixerB16(10, 32, 1) with { PatchSize = 8, EmbedDim = 16, Depth = 4 }), 32, 16, 8, 1 },
        { "ResMLP", () => new ResMlp(ResMlpOptions.ResMlpS12(10, 28, 1) with { PatchSize = 4, EmbedDim = 16, Depth = 4 }), 28, 16, 4, 1 },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Declaration_matches_the_model(string name, Func<StagedBackbone> create, int imageSize, int width, int patch, int divisor)
    {
        using var model = create();
        var declaration = model.GetType().GetCustomAttribute<StageGeometryAttribute>();
        Assert.True(declaration is not null, $"{name} has no [StageGeometry]");
        Assert.Equal(model.StemGeometry, declaration.StemAt(imageSize, width, patch, divisor));
        Assert.Equal(model.StageGeometries, declaration.StagesAt(imageSize, width, patch, divisor));
    }

    [Fact]
    public void Declarations_at_224_give_the_papers_stage_shapes()
    {
        string Shapes<T>() where T : StagedBackbone =>
            string.Join(" ", typeof(T).GetCustomAttribute<StageGeometryAttribute>()!.StagesAt(224).Select(g => g.ToString()));
        Assert.Equal("64x56x56 128x28x28 256x14x14 512x7x7", Shapes<ResNet>());
        Assert.Equal("24x56x56 32x28x28 96x14x14 1280x7x7", Shapes<MobileNetV2>());
        Assert.Equal("96x56x56 192x28x28 384x14x14 768x7x7", Shapes<ConvNeXt>());
        Assert.Equal("3136x96 (56x56) 784x192 (28x28) 196x384 (14x14) 49x768 (7x7)", Shapes<SwinTransformer>());
        Assert.Equal("197x192 (cls + 14x14) 197x192 (cls + 14x14) 197x192 (cls + 14x14) 197x192 (cls + 14x14)", Shapes<VisionTransformer>());
        Assert.Equal("196x768 (14x14) 196x768 (14x14) 196x768 (14x14) 196x768 (14x14)", Shapes<MlpMixer>());
    }
}
