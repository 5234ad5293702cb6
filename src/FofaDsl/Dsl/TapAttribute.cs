using FofaDsl.Stages;

namespace FofaDsl;

/// <summary>
/// Declares stage <see cref="Stage"/> of a user's own model as the output of one of its submodules,
/// named with <c>nameof</c>, so that any TorchSharp <c>nn.Module&lt;Tensor, Tensor&gt;</c> classifier can
/// take part in distillation without deriving from <see cref="Backbones.StagedBackbone"/>. Declare all
/// four stages of the model; the generator checks that each member exists, is a module and is tapped once,
/// and computes the stage shapes from <see cref="Channels"/> and <see cref="Stride"/>.
/// </summary>
/// <remarks>
/// The model needs a public constructor <c>(int numClasses, int imageSize, int inputChannels)</c> or a
/// parameterless one, must call its submodules with <c>call</c> (that is what runs the taps), and returns
/// class logits from <c>forward</c>. Taps only read stage outputs: a tapped teacher cannot get FOFA's
/// prompts, which are inserted between stages (set <c>[Fofa(Prompts = false)]</c>).
/// </remarks>
/// <example>
/// <code>
/// [Student(typeof(MyNet))]
/// [Tap(ModelRole.Student, 1, nameof(MyNet.layer1), Channels = 32, Stride = 2)]
/// [Tap(ModelRole.Student, 2, nameof(MyNet.layer2), Channels = 64, Stride = 4)]
/// [Tap(ModelRole.Student, 3, nameof(MyNet.layer3), Channels = 128, Stride = 8)]
/// [Tap(ModelRole.Student, 4, nameof(MyNet.layer4), Channels = 256, Stride = 16)]
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class TapAttribute : Attribute
{
    /// <summary>Taps <paramref name="member"/> of the <paramref name="model"/>'s type as its stage <paramref name="stage"/>.</summary>
    /// <param name="model">Teacher or student.</param>
    /// <param name="stage">Stage number, 1 to 4.</param>
    /// <param name="member">Name of a field or property of the model type holding a module; use <c>nameof(MyNet.member)</c>.</param>
    public TapAttribute(ModelRole model, int stage, string member)
    {
        Model = model;
        Stage = stage;
        Member = member;
    }

    /// <summary>Teacher or student.</summary>
    public ModelRole Model { get; }

    /// <summary>Stage number, 1 to 4.</summary>
    public int Stage { get; }

    /// <summary>The tapped member of the model type.</summary>
    public string Member { get; }

    /// <summary>Whether the member outputs a feature map <c>[B, C, H, W]</c> (default) or tokens <c>[B, L, D]</c>.</summary>
    public StageLayout Layout { get; set; } = StageLayout.Spatial;

    /// <summary>Channels (token width) of the member's output; positive.</summary>
    public int Channels { get; set; }

    /// <summary>Input pixels per output position (total stride) of the member's output; positive. The side is <c>ceil(image / stride)</c>, or <c>image / stride</c> with <see cref="RoundDown"/>.</summary>
    public int Stride { get; set; }

    /// <summary>Tokens layout: a class token precedes the patch tokens.</summary>
    public bool ClassToken { get; set; }

    /// <summary>Sizes round down (unpadded patchify or merging), which needs the image size divisible by <see cref="Stride"/>.</summary>
    public bool RoundDown { get; set; }
}
