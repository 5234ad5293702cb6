namespace FofaDsl.Stages;

/// <summary>
/// Declares, once and on the model type, the shape of a <see cref="Backbones.StagedBackbone"/>'s stem
/// and four stage outputs as a function of the image size. The FofaDsl generator reads it to check a
/// distillation graph at compile time; a test checks every built-in model's declaration against the
/// shapes the model really produces. A user's own model declares its stages the same way and is then
/// usable as <c>[Teacher(typeof(MyModel))]</c>.
/// </summary>
/// <remarks>
/// A stage with stride <c>s</c> on an image of side <c>S</c> is <c>ceil(S / s)</c> positions wide
/// (padded convolutions), or <c>S / s</c> with <see cref="RoundDown"/> (unpadded patchify and merging,
/// which then need <c>S</c> divisible by the largest stride).
/// </remarks>
/// <example>
/// <code>
/// [StageGeometry(StageLayout.Spatial, Channels = new[] { 32, 64, 128, 256 }, Strides = new[] { 2, 4, 8, 16 }, StemChannels = 32, StemStride = 2)]
/// public sealed class MyNet : StagedBackbone { public MyNet(int numClasses, int imageSize, int inputChannels) ... }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class StageGeometryAttribute : Attribute
{
    /// <summary>Declares the layout shared by the stem and the four stages.</summary>
    public StageGeometryAttribute(StageLayout layout) => Layout = layout;

    /// <summary>Spatial maps or token sequences.</summary>
    public StageLayout Layout { get; }

    /// <summary>Channels (token width) of stages 1..4, at <see cref="ReferenceWidth"/> when the width is configurable.</summary>
    public int[] Channels { get; set; } = [];

    /// <summary>Input pixels per output position of stages 1..4, at <see cref="ReferencePatch"/> when the patch is configurable.</summary>
    public int[] Strides { get; set; } = [];

    /// <summary>Channels (token width) of the stem output, the input of stage 1.</summary>
    public int StemChannels { get; set; }

    /// <summary>Stride of the stem output.</summary>
    public int StemStride { get; set; }

    /// <summary>Token layouts: a class token precedes the patch tokens.</summary>
    public bool ClassToken { get; set; }

    /// <summary>Sizes round down (unpadded downsampling) instead of up.</summary>
    public bool RoundDown { get; set; }

    /// <summary>The width knob's value at which <see cref="Channels"/> are given; every width scales linearly with it. 0: fixed widths.</summary>
    public int ReferenceWidth { get; set; }

    /// <summary>The patch knob's value at which <see cref="Strides"/> are given; every stride scales linearly with it. 0: fixed strides.</summary>
    public int ReferencePatch { get; set; }

    /// <summary>The stem output at image side <paramref name="imageSize"/>, with the width and patch knobs (0: the reference values) and a stride divisor (a stride-1 stem for small images).</summary>
    public StageGeometry StemAt(int imageSize, int width = 0, int patch = 0, int strideDivisor = 1) =>
        Evaluate(StemChannels, StemStride, imageSize, width, patch, strideDivisor);

    /// <summary>The four stage outputs at image side <paramref name="imageSize"/>; see <see cref="StemAt"/> for the knobs.</summary>
    public IReadOnlyList<StageGeometry> StagesAt(int imageSize, int width = 0, int patch = 0, int strideDivisor = 1)
    {
        if (Channels.Length != 4 || Strides.Length != 4)
            throw new InvalidOperationException($"[StageGeometry] needs 4 channels and 4 strides, got {Channels.Length} and {Strides.Length}.");
        return Enumerable.Range(0, 4).Select(i => Evaluate(Channels[i], Strides[i], imageSize, width, patch, strideDivisor)).ToArray();
    }

    private StageGeometry Evaluate(int channels, int stride, int imageSize, int width, int patch, int strideDivisor)
    {
        var scaledChannels = ReferenceWidth > 0 && width > 0 ? channels * width / ReferenceWidth : channels;
        var scaledStride = Math.Max(1, (ReferencePatch > 0 && patch > 0 ? stride * patch / ReferencePatch : stride) / strideDivisor);
        var side = RoundDown ? imageSize / scaledStride : (imageSize + scaledStride - 1) / scaledStride;
        return Layout == StageLayout.Spatial
            ? StageGeometry.Spatial(scaledChannels, side, side)
            : StageGeometry.Tokens(scaledChannels, side, side, ClassToken);
    }
}
