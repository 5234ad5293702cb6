using FofaDsl.Backbones;

namespace FofaDsl;

/// <summary>
/// The architectures a teacher or student can be: the paper's nine presets, at any image size, class count and input
/// channels, each with its size knobs. Each member's <see cref="PresetAttribute"/> is the one list of presets: the
/// generator, <see cref="ModelZoo"/> and the docs read it.
/// Each preset's stages are cut as in the method spec (section 6); names follow timm/torchvision,
/// so PyTorch checkpoints load by name.
/// </summary>
public enum Architecture
{
    /// <summary>
    /// ResNet18 (torchvision layout, BasicBlocks 2-2-2-2). Knobs: <see cref="ModelAttribute.Stem"/>,
    /// <see cref="ModelAttribute.BaseWidth"/> (64). Stages: layer1..layer4, spatial maps at strides 4-32
    /// (1-8 with the CIFAR stem).
    /// </summary>
    [Preset(typeof(ResNet), nameof(ResNetOptions.ResNet18), "resnet18", BaseWidth = 64, Knobs = ["Stem", "BaseWidth"])]
    ResNet18,

    /// <summary>
    /// Obsolete: the same preset as <see cref="DeiTTiny"/>, kept so existing declarations compile (with a warning). Knobs:
    /// <see cref="ModelAttribute.PatchSize"/> (16), <see cref="ModelAttribute.EmbedDim"/> (192),
    /// <see cref="ModelAttribute.Depth"/> (12), <see cref="ModelAttribute.Heads"/> (3). Stages end after
    /// blocks 1, 3, 9, 11 at depth 12 (scaled for other depths): class token + patch tokens.
    /// </summary>
    [Preset(typeof(Backbones.VisionTransformer), nameof(VisionTransformerOptions.DeiTTiny), "deit_tiny_patch16_224", PatchSize = 16, EmbedDim = 192, Depth = 12, Heads = 3, Knobs = ["PatchSize", "EmbedDim", "Depth", "Heads"])]
    [Obsolete("The same preset as DeiTTiny: declare Architecture.DeiTTiny (with the same knobs).")]
    VisionTransformer,

    /// <summary>
    /// DeiT-Tiny/16 (timm layout, class token; width 192, depth 12, 3 heads). Knobs: <see cref="ModelAttribute.PatchSize"/> (16),
    /// <see cref="ModelAttribute.EmbedDim"/> (192), <see cref="ModelAttribute.Depth"/> (12), <see cref="ModelAttribute.Heads"/> (3).
    /// Stages end after blocks 1, 3, 9, 11 at depth 12 (scaled for other depths): class token + patch tokens.
    /// </summary>
    [Preset(typeof(Backbones.VisionTransformer), nameof(VisionTransformerOptions.DeiTTiny), "deit_tiny_patch16_224", PatchSize = 16, EmbedDim = 192, Depth = 12, Heads = 3, Knobs = ["PatchSize", "EmbedDim", "Depth", "Heads"])]
    DeiTTiny,

    /// <summary>ViT-Small/16 (width 384, depth 12, 6 heads); the same knobs as <see cref="DeiTTiny"/>.</summary>
    [Preset(typeof(Backbones.VisionTransformer), nameof(VisionTransformerOptions.VitSmall), "vit_small_patch16_224", PatchSize = 16, EmbedDim = 384, Depth = 12, Heads = 6, Knobs = ["PatchSize", "EmbedDim", "Depth", "Heads"])]
    VitSmall,

    /// <summary>MobileNetV2 (timm mobilenetv2_100); stages after blocks 2, 5, 12 and the conv head (24, 32, 96, 1280 channels). No knobs.</summary>
    [Preset(typeof(Backbones.MobileNetV2), nameof(MobileNetV2Options.Standard), "mobilenetv2_100")]
    MobileNetV2,

    /// <summary>ConvNeXt-Tiny (depths 3-3-9-3). Knob: <see cref="ModelAttribute.BaseWidth"/> (96; stage widths double). Stages 0..3, spatial at strides 4-32.</summary>
    [Preset(typeof(ConvNeXt), nameof(ConvNeXtOptions.Tiny), "convnext_tiny", BaseWidth = 96, Knobs = ["BaseWidth"])]
    ConvNeXtTiny,

    /// <summary>
    /// Swin-T (depths 2-2-6-2, heads 3-6-12-24). Knobs: <see cref="ModelAttribute.PatchSize"/> (4),
    /// <see cref="ModelAttribute.EmbedDim"/> (96), <see cref="ModelAttribute.WindowSize"/> (7). Stages: tokens after each layer.
    /// </summary>
    [Preset(typeof(SwinTransformer), nameof(SwinTransformerOptions.Tiny), "swin_tiny_patch4_window7_224", PatchSize = 4, EmbedDim = 96, Heads = 3, WindowSize = 7, Knobs = ["PatchSize", "EmbedDim", "WindowSize"])]
    SwinTiny,

    /// <summary>Swin-P as in OFA-KD (width 48, depths 2-2-2-2, heads 2-4-8-16); the same knobs as <see cref="SwinTiny"/>.</summary>
    [Preset(typeof(SwinTransformer), nameof(SwinTransformerOptions.Pico), "swin_pico_patch4_window7_224", PatchSize = 4, EmbedDim = 48, Heads = 2, WindowSize = 7, Knobs = ["PatchSize", "EmbedDim", "WindowSize"])]
    SwinPico,

    /// <summary>MLP-Mixer-B/16. Knobs: <see cref="ModelAttribute.PatchSize"/> (16), <see cref="ModelAttribute.EmbedDim"/> (768), <see cref="ModelAttribute.Depth"/> (12).</summary>
    [Preset(typeof(MlpMixer), nameof(MlpMixerOptions.MixerB16), "mixer_b16_224", PatchSize = 16, EmbedDim = 768, Depth = 12, Knobs = ["PatchSize", "EmbedDim", "Depth"])]
    MixerB16,

    /// <summary>ResMLP-S12. Knobs: <see cref="ModelAttribute.PatchSize"/> (16), <see cref="ModelAttribute.EmbedDim"/> (384), <see cref="ModelAttribute.Depth"/> (12).</summary>
    [Preset(typeof(ResMlp), nameof(ResMlpOptions.ResMlpS12), "resmlp_12_224", PatchSize = 16, EmbedDim = 384, Depth = 12, Knobs = ["PatchSize", "EmbedDim", "Depth"])]
    ResMlpS12,
}
