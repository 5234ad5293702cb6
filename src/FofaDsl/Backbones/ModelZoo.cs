namespace FofaDsl.Backbones;

/// <summary>
/// The paper's architectures by their timm names, so a user can build one (and load its PyTorch
/// weights by name) with one call: <c>ModelZoo.Create("deit_tiny_patch16_224", numClasses: 100)</c>.
/// </summary>
public static class ModelZoo
{
    /// <summary>A named preset: its timm name and a factory taking the class count, image size and input channels.</summary>
    public sealed record Preset(string Name, Func<int, int, int, StagedBackbone> Create);

    /// <summary>Every preset, in the order of the paper's model list.</summary>
    public static IReadOnlyList<Preset> Presets { get; } =
    [
        new("resnet18", (classes, size, channels) => new ResNet(ResNetOptions.ResNet18(classes, ResNetStem.ImageNet, size, channels))),
        new("mobilenetv2_100", (classes, size, channels) => new MobileNetV2(MobileNetV2Options.Standard(classes, size, channels))),
        new("convnext_tiny", (classes, size, channels) => new ConvNeXt(ConvNeXtOptions.Tiny(classes, size, channels))),
        new("swin_tiny_patch4_window7_224", (classes, size, channels) => new SwinTransformer(SwinTransformerOptions.Tiny(classes, size, channels))),
        new("swin_pico_patch4_window7_224", (classes, size, channels) => new SwinTransformer(SwinTransformerOptions.Pico(classes, size, channels))),
        new("vit_small_patch16_224", (classes, size, channels) => new VisionTransformer(VisionTransformerOptions.VitSmall(classes, size, channels))),
        new("deit_tiny_patch16_224", (classes, size, channels) => new VisionTransformer(VisionTransformerOptions.DeiTTiny(classes, size, channels))),
        new("mixer_b16_224", (classes, size, channels) => new MlpMixer(MlpMixerOptions.MixerB16(classes, size, channels))),
        new("resmlp_12_224", (classes, size, channels) => new ResMlp(ResMlpOptions.ResMlpS12(classes, size, channels))),
    ];

    /// <summary>Builds preset <paramref name="name"/>; an unknown name lists the known ones.</summary>
    public static StagedBackbone Create(string name, int numClasses = 1000, int imageSize = 224, int inputChannels = 3)
    {
        var preset = Presets.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown model '{name}'. Known: {string.Join(", ", Presets.Select(p => p.Name))}.", nameof(name));
        return preset.Create(numClasses, imageSize, inputChannels);
    }
}
