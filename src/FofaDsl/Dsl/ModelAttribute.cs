using FofaDsl.Backbones;

namespace FofaDsl;

/// <summary>
/// Common shape of <see cref="TeacherAttribute"/> and <see cref="StudentAttribute"/>: which
/// architecture to build and its size knobs. Knobs that do not apply to the chosen
/// <see cref="Architecture"/> are a compile-time error when set.
/// </summary>
public abstract class ModelAttribute : Attribute
{
    /// <summary>Creates the declaration for <paramref name="architecture"/>.</summary>
    protected ModelAttribute(Architecture architecture) => Architecture = architecture;

    /// <summary>The backbone family.</summary>
    public Architecture Architecture { get; }

    /// <summary>ResNet: the stem. <see cref="ResNetStem.Cifar"/> (3x3, stride 1, no max-pool) suits images of 32 pixels or less. Default <see cref="ResNetStem.ImageNet"/>.</summary>
    public ResNetStem Stem { get; set; } = ResNetStem.ImageNet;

    /// <summary>ResNet: channels of stage 1; stages 2..4 double it each time. Default 64 (the real ResNet18).</summary>
    public int BaseWidth { get; set; } = 64;

    /// <summary>ViT: side of the square patches; must divide the image size. Default 16.</summary>
    public int PatchSize { get; set; } = 16;

    /// <summary>ViT: token width. Default 192 (DeiT-Tiny).</summary>
    public int EmbedDim { get; set; } = 192;

    /// <summary>ViT: number of transformer blocks, at least 4 (one per stage). Default 12.</summary>
    public int Depth { get; set; } = 12;

    /// <summary>ViT: attention heads; must divide <see cref="EmbedDim"/>. Default 3 (DeiT-Tiny).</summary>
    public int Heads { get; set; } = 3;

    /// <summary>
    /// Optional path of a weights file saved with TorchSharp's <c>Module.save</c> to load
    /// instead of training (teacher) or as initialisation (student). Overridable from the
    /// command line with <c>--teacher-weights</c>.
    /// </summary>
    public string? Weights { get; set; }
}
