using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// timm's MobileNetV2 (<c>mobilenetv2_100</c> and its width variants) cut into the stem
/// (<c>conv_stem</c>, <c>bn1</c>, ReLU6), four stages of consecutive blocks ending after the 0-based
/// flattened blocks 2, 5, 12 and 16 (the last stage also runs <c>conv_head</c>, <c>bn2</c>, ReLU6), and
/// the head (global average pool, <c>classifier</c>). Blocks are named <c>blocks.{group}.{index}</c>
/// over timm's seven block groups, so timm state dicts load by name.
/// </summary>
[StageGeometry(StageLayout.Spatial, Channels = [24, 32, 96, 1280], Strides = [4, 8, 16, 32], StemChannels = 32, StemStride = 2)]
public sealed class MobileNetV2 : StagedBackbone
{
    /// <summary>timm's arch definition: one row per block group (ds_r1_k3_s1_c16, ir_r2_k3_s2_e6_c24, ...).</summary>
    private static readonly BlockGroup[] Groups =
    [
        new(Repeats: 1, Stride: 1, Expansion: 1, Width: 16, DepthwiseSeparable: true),
        new(Repeats: 2, Stride: 2, Expansion: 6, Width: 24),
        new(Repeats: 3, Stride: 2, Expansion: 6, Width: 32),
        new(Repeats: 4, Stride: 2, Expansion: 6, Width: 64),
        new(Repeats: 3, Stride: 1, Expansion: 6, Width: 96),
        new(Repeats: 3, Stride: 2, Expansion: 6, Width: 160),
        new(Repeats: 1, Stride: 1, Expansion: 6, Width: 320),
    ];

    /// <summary>The paper's cuts: outputs 24@56, 32@28, 96@14 and (after the head convolution) 1280@7 at 224.</summary>
    private static readonly int[] StageEndBlocks = [2, 5, 12, 16];

    private readonly Conv2d conv_stem;
    private readonly BatchNorm2d bn1;
    private readonly ModuleList<ModuleList<nn.Module<Tensor, Tensor>>> blocks;
    private readonly Conv2d conv_head;
    private readonly BatchNorm2d bn2;
    private readonly Linear classifier;

    private readonly (int Group, int Index)[] flatBlocks;
    private readonly StageGeometry stemGeometry;
    private readonly StageGeometry[] stageGeometries;

    /// <summary>Builds the network described by <paramref name="options"/>, initialised as timm does.</summary>
    /// <exception cref="ArgumentException">When the options are invalid.</exception>
    public MobileNetV2(MobileNetV2Options options) : base(nameof(MobileNetV2))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;

        conv_stem = nn.Conv2d(options.InputChannels, options.StemWidth, kernel_size: 3, stride: 2, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(options.StemWidth);

        blocks = new ModuleList<ModuleList<nn.Module<Tensor, Tensor>>>();
        var flat = new List<(int, int)>();
        var channels = options.StemWidth;
        for (var g = 0; g < Groups.Length; g++)
        {
            var spec = Groups[g];
            var width = options.ScaledWidth(spec.Width);
            var group = new ModuleList<nn.Module<Tensor, Tensor>>();
            for (var i = 0; i < spec.Repeats; i++)
            {
                // Only a group's first block changes stride (and width), as in timm's builder.
                var stride = i == 0 ? spec.Stride : 1;
                group.Add(spec.DepthwiseSeparable
                    ? new DepthwiseSeparableBlock(channels, width, stride)
                    : new InvertedResidualBlock(channels, width, stride, spec.Expansion));
                flat.Add((g, i));
                channels = width;
            }
            blocks.Add(group);
        }
        flatBlocks = [.. flat];

        conv_head = nn.Conv2d(channels, options.HeadWidth, kernel_size: 1, bias: false);
        bn2 = nn.BatchNorm2d(options.HeadWidth);
        classifier = nn.Linear(options.HeadWidth, options.NumClasses);

        (stemGeometry, stageGeometries) = ComputeGeometries(options);
        RegisterComponents();
        InitializeWeights();
    }

    /// <summary>The options this network was built from.</summary>
    public MobileNetV2Options Options { get; }

    /// <summary>Number of blocks over all groups (17).</summary>
    public int BlockCount => flatBlocks.Length;

    /// <summary>The 0-based flattened block that ends each stage (inclusive): 2, 5, 12, 16.</summary>
    public static IReadOnlyList<int> StageEnds => StageEndBlocks;

    /// <inheritdoc />
    public override StageGeometry StemGeometry => stemGeometry;

    /// <inheritdoc />
    public override IReadOnlyList<StageGeometry> StageGeometries => stageGeometries;

    /// <inheritdoc />
    public override int NumClasses => Options.NumClasses;

    /// <inheritdoc />
    public override Tensor ForwardStem(Tensor images)
    {
        using var scope = NewDisposeScope();
        return nn.functional.relu6(bn1.call(conv_stem.call(images))).MoveToOuterDisposeScope();
    }

    /// <summary>Runs the blocks of stage <paramref name="stage"/> (1..4); stage 4 ends with <c>conv_head</c>, <c>bn2</c> and ReLU6.</summary>
    public override Tensor ForwardStage(int stage, Tensor input)
    {
        if (stage is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(stage), stage, "Stages are numbered 1..4.");
        using var scope = NewDisposeScope();
        var first = stage == 1 ? 0 : StageEndBlocks[stage - 2] + 1;
        var x = input;
        for (var b = first; b <= StageEndBlocks[stage - 1]; b++)
        {
            var (group, index) = flatBlocks[b];
            x = blocks[group][index].call(x);
        }
        if (stage == 4) x = nn.functional.relu6(bn2.call(conv_head.call(x)));
        return x.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override int EmbeddingWidth => Options.HeadWidth;

    /// <inheritdoc />
    public override bool ClassifiesEmbedding => true;

    /// <summary>Global average pooling of the conv head's output: what <c>classifier</c> reads.</summary>
    /// <param name="lastStage">Stage 4's output.</param>
    public override Tensor ForwardEmbedding(Tensor lastStage) => lastStage.mean([2, 3]);

    /// <summary><c>classifier</c>.</summary>
    /// <param name="embedding">Output of <see cref="ForwardEmbedding"/>.</param>
    public override Tensor ForwardClassifier(Tensor embedding) => classifier.call(embedding);

    /// <inheritdoc />
    public override Tensor ForwardHead(Tensor lastStage)
    {
        using var scope = NewDisposeScope();
        return ForwardClassifier(ForwardEmbedding(lastStage)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Every strided convolution here has kernel 3, stride 2 and padding 1, which maps a side h to
    /// ceil(h/2); the stem halves once, then each group's first block halves when its stride is 2.
    /// </summary>
    private static (StageGeometry Stem, StageGeometry[] Stages) ComputeGeometries(MobileNetV2Options options)
    {
        static int Halve(int side) => (side + 1) / 2;

        var side = Halve(options.ImageSize);
        var stem = StageGeometry.Spatial(options.StemWidth, side, side);
        var stages = new StageGeometry[4];
        var block = 0;
        var stage = 0;
        foreach (var spec in Groups)
        {
            for (var i = 0; i < spec.Repeats; i++, block++)
            {
                if (i == 0 && spec.Stride == 2) side = Halve(side);
                if (block != StageEndBlocks[stage]) continue;
                var width = stage == 3 ? options.HeadWidth : options.ScaledWidth(spec.Width);
                stages[stage++] = StageGeometry.Spatial(width, side, side);
            }
        }
        return (stem, stages);
    }

    /// <summary>timm's <c>_init_weight_goog</c>: He-normal over the fan-out per group, ones and zeros for batch norm, a uniform classifier.</summary>
    private void InitializeWeights()
    {
        using var noGrad = torch.no_grad();
        foreach (var module in modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    // Fan-out divides by the groups, so a depthwise 3x3 has fan-out 9 (PyTorch's kaiming_normal_ does not divide).
                    var shape = conv.weight.shape;
                    var fanOut = shape[0] * shape[2] * shape[3] / conv.groups;
                    conv.weight.normal_(0, Math.Sqrt(2.0 / fanOut));
                    break;
                case BatchNorm2d norm:
                    nn.init.ones_(norm.weight);
                    nn.init.zeros_(norm.bias);
                    break;
                case Linear linear:
                    var range = 1.0 / Math.Sqrt(linear.weight.shape[0]);
                    linear.weight.uniform_(-range, range);
                    if (linear.bias is not null) nn.init.zeros_(linear.bias);
                    break;
            }
        }
    }

    private readonly record struct BlockGroup(int Repeats, int Stride, double Expansion, int Width, bool DepthwiseSeparable = false);
}
