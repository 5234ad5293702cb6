namespace FofaDsl;

/// <summary>
/// The architectures a teacher or student can be: the paper's nine presets (at any image size,
/// class count and input channels) and the two configurable families the quickstart uses.
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
    ResNet18,

    /// <summary>
    /// Configurable Vision Transformer (timm layout, class token), DeiT-Tiny by default. Knobs:
    /// <see cref="ModelAttribute.PatchSize"/> (16), <see cref="ModelAttribute.EmbedDim"/> (192),
    /// <see cref="ModelAttribute.Depth"/> (12), <see cref="ModelAttribute.Heads"/> (3). Stages end after
    /// blocks 1, 3, 9, 11 at depth 12 (scaled for other depths): class token + patch tokens.
    /// </summary>
    VisionTransformer,

    /// <summary>DeiT-Tiny/16 (width 192, depth 12, 3 heads); the same knobs as <see cref="VisionTransformer"/>.</summary>
    DeiTTiny,

    /// <summary>ViT-Small/16 (width 384, depth 12, 6 heads); the same knobs as <see cref="VisionTransformer"/>.</summary>
    VitSmall,

    /// <summary>MobileNetV2 (timm mobilenetv2_100); stages after blocks 2, 5, 12 and the conv head (24, 32, 96, 1280 channels). No knobs.</summary>
    MobileNetV2,

    /// <summary>ConvNeXt-Tiny (depths 3-3-9-3). Knob: <see cref="ModelAttribute.BaseWidth"/> (96; stage widths double). Stages 0..3, spatial at strides 4-32.</summary>
    ConvNeXtTiny,

    /// <summary>
    /// Swin-T (depths 2-2-6-2, heads 3-6-12-24). Knobs: <see cref="ModelAttribute.PatchSize"/> (4),
    /// <see cref="ModelAttribute.EmbedDim"/> (96), <see cref="ModelAttribute.WindowSize"/> (7). Stages: tokens after each layer.
    /// </summary>
    SwinTiny,

    /// <summary>Swin-P as in OFA-KD (width 48, depths 2-2-2-2, heads 2-4-8-16); the same knobs as <see cref="SwinTiny"/>.</summary>
    SwinPico,

    /// <summary>MLP-Mixer-B/16. Knobs: <see cref="ModelAttribute.PatchSize"/> (16), <see cref="ModelAttribute.EmbedDim"/> (768), <see cref="ModelAttribute.Depth"/> (12).</summary>
    MixerB16,

    /// <summary>ResMLP-S12. Knobs: <see cref="ModelAttribute.PatchSize"/> (16), <see cref="ModelAttribute.EmbedDim"/> (384), <see cref="ModelAttribute.Depth"/> (12).</summary>
    ResMlpS12,
}
