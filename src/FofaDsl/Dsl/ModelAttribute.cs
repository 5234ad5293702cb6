using FofaDsl.Backbones;

namespace FofaDsl;

/// <summary>
/// Common shape of <see cref="TeacherAttribute"/> and <see cref="StudentAttribute"/>: which
/// architecture to build and its size knobs. Unset knobs keep the architecture's values; knobs that
/// do not apply to the chosen <see cref="Architecture"/> are a compile-time error when set.
/// </summary>
public abstract class ModelAttribute : Attribute
{
    /// <summary>Creates the declaration for <paramref name="architecture"/>.</summary>
    protected ModelAttribute(Architecture architecture) => Architecture = architecture;

    /// <summary>
    /// Creates the declaration for a user's own model: a <see cref="Backbones.StagedBackbone"/> subclass with
    /// a <see cref="Stages.StageGeometryAttribute"/> and a public constructor
    /// <c>(int numClasses, int imageSize, int inputChannels)</c>.
    /// </summary>
    protected ModelAttribute(Type modelType) => ModelType = modelType;

    /// <summary>The built-in architecture, or null for a user's own <see cref="ModelType"/>.</summary>
    public Architecture? Architecture { get; }

    /// <summary>A user's own model type, or null for a built-in <see cref="Architecture"/>.</summary>
    public Type? ModelType { get; }

    /// <summary>ResNet18: the stem. <see cref="ResNetStem.Cifar"/> (3x3, stride 1, no max-pool) suits images of 32 pixels or less. Default <see cref="ResNetStem.ImageNet"/>.</summary>
    public ResNetStem Stem { get; set; } = ResNetStem.ImageNet;

    /// <summary>ResNet18, ConvNeXt: channels of stage 1; later stages double it. 0 (unset) keeps the architecture's (64, 96).</summary>
    public int BaseWidth { get; set; }

    /// <summary>ViT, Swin, MLP models: side of the square patches; must divide the image size. 0 (unset) keeps the architecture's (16; 4 for Swin).</summary>
    public int PatchSize { get; set; }

    /// <summary>ViT, Swin, MLP models: token width. 0 (unset) keeps the architecture's.</summary>
    public int EmbedDim { get; set; }

    /// <summary>ViT and MLP models: number of blocks, at least 4 (one per stage). 0 (unset) keeps the architecture's (12).</summary>
    public int Depth { get; set; }

    /// <summary>ViT: attention heads; must divide <see cref="EmbedDim"/>. 0 (unset) keeps the architecture's.</summary>
    public int Heads { get; set; }

    /// <summary>Swin: attention window side; must tile every stage's token grid (windows larger than a grid shrink to it). 0 (unset) keeps 7.</summary>
    public int WindowSize { get; set; }

    /// <summary>
    /// Classes the model's weights were made for, when they are fixed (e.g. 1000 for ImageNet weights);
    /// 0 (unset) takes the data's. A value that differs from the data's class count is a compile-time
    /// error: logit distillation compares teacher and student class by class.
    /// </summary>
    public int Classes { get; set; }

    /// <summary>Image channels the model's weights expect (e.g. 3), when fixed; 0 (unset) takes the data's. It must match the data.</summary>
    public int InputChannels { get; set; }

    /// <summary>
    /// Optional weights to load instead of training (teacher) or to start from (student): a PyTorch
    /// <c>state_dict</c> (<c>.pt</c>, <c>.pth</c>, <c>.bin</c>, <c>.safetensors</c>) loaded by timm/torchvision
    /// parameter name, or a file saved by TorchSharp's <c>Module.save</c>. A student's classifier of another
    /// class count is skipped. Overridable with <c>--teacher-weights</c> / <c>--student-weights</c>.
    /// </summary>
    public string? Weights { get; set; }
}
