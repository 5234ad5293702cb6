using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// A ResNet of <see cref="BasicBlock"/>s (ResNet18/34 family) cut into the stem
/// (<c>conv1</c>, <c>bn1</c>, ReLU, optional max pool), the four stages <c>layer1</c>..<c>layer4</c>
/// and the head (global average pool, <c>fc</c>). Parameter names equal torchvision's, so its
/// state dicts load by name.
/// </summary>
[StageGeometry(StageLayout.Spatial, Channels = [64, 128, 256, 512], Strides = [4, 8, 16, 32], StemChannels = 64, StemStride = 4, ReferenceWidth = 64)]
public sealed class ResNet : StagedBackbone
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly MaxPool2d? maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Linear fc;

    private readonly StageGeometry stemGeometry;
    private readonly StageGeometry[] stageGeometries;

    /// <summary>Builds the network described by <paramref name="options"/>, initialised as torchvision does.</summary>
    /// <exception cref="ArgumentException">When the options are invalid.</exception>
    public ResNet(ResNetOptions options) : base(nameof(ResNet))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;

        var stemWidth = options.BaseWidth;
        if (options.Stem == ResNetStem.ImageNet)
        {
            conv1 = nn.Conv2d(options.InputChannels, stemWidth, kernel_size: 7, stride: 2, padding: 3, bias: false);
            maxpool = nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1);
        }
        else
        {
            conv1 = nn.Conv2d(options.InputChannels, stemWidth, kernel_size: 3, stride: 1, padding: 1, bias: false);
        }
        bn1 = nn.BatchNorm2d(stemWidth);

        layer1 = MakeLayer(stemWidth, options.StageWidth(1), options.BlocksPerStage[0], stride: 1);
        layer2 = MakeLayer(options.StageWidth(1), options.StageWidth(2), options.BlocksPerStage[1], stride: 2);
        layer3 = MakeLayer(options.StageWidth(2), options.StageWidth(3), options.BlocksPerStage[2], stride: 2);
        layer4 = MakeLayer(options.StageWidth(3), options.StageWidth(4), options.BlocksPerStage[3], stride: 2);
        avgpool = nn.AdaptiveAvgPool2d(1);
        fc = nn.Linear(options.StageWidth(4), options.NumClasses);

        (stemGeometry, stageGeometries) = ComputeGeometries(options);
        RegisterComponents();
        InitializeWeights();
    }

    /// <summary>The options this network was built from.</summary>
    public ResNetOptions Options { get; }

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
        var x = nn.functional.relu(bn1.call(conv1.call(images)));
        if (maxpool is not null) x = maxpool.call(x);
        return x.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor ForwardStage(int stage, Tensor input) => stage switch
    {
        1 => layer1.call(input),
        2 => layer2.call(input),
        3 => layer3.call(input),
        4 => layer4.call(input),
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "Stages are numbered 1..4."),
    };

    /// <inheritdoc />
    public override int EmbeddingWidth => Options.StageWidth(4);

    /// <inheritdoc />
    public override bool ClassifiesEmbedding => true;

    /// <summary>Global average pooling (<c>avgpool</c>), flattened: what <c>fc</c> reads.</summary>
    /// <param name="lastStage">Stage 4's output.</param>
    public override Tensor ForwardEmbedding(Tensor lastStage)
    {
        using var scope = NewDisposeScope();
        return avgpool.call(lastStage).flatten(1).MoveToOuterDisposeScope();
    }

    /// <summary><c>fc</c>.</summary>
    /// <param name="embedding">Output of <see cref="ForwardEmbedding"/>.</param>
    public override Tensor ForwardClassifier(Tensor embedding) => fc.call(embedding);

    /// <inheritdoc />
    public override Tensor ForwardHead(Tensor lastStage)
    {
        using var scope = NewDisposeScope();
        return ForwardClassifier(ForwardEmbedding(lastStage)).MoveToOuterDisposeScope();
    }

    private static Sequential MakeLayer(int inChannels, int outChannels, int blocks, int stride)
    {
        // Only the first block changes stride and width; the rest keep them (torchvision's _make_layer).
        var modules = new nn.Module<Tensor, Tensor>[blocks];
        modules[0] = new BasicBlock(inChannels, outChannels, stride);
        for (var i = 1; i < blocks; i++) modules[i] = new BasicBlock(outChannels, outChannels, 1);
        return nn.Sequential(modules);
    }

    /// <summary>
    /// Every strided convolution and the max pool here use kernel k, stride 2 and padding (k-1)/2,
    /// which maps a side h to ceil(h/2).
    /// </summary>
    private static (StageGeometry Stem, StageGeometry[] Stages) ComputeGeometries(ResNetOptions options)
    {
        static int Halve(int side) => (side + 1) / 2;

        var side = options.Stem == ResNetStem.ImageNet ? Halve(Halve(options.ImageSize)) : options.ImageSize;
        var stem = StageGeometry.Spatial(options.BaseWidth, side, side);
        var stages = new StageGeometry[4];
        for (var stage = 1; stage <= 4; stage++)
        {
            if (stage > 1) side = Halve(side);
            stages[stage - 1] = StageGeometry.Spatial(options.StageWidth(stage), side, side);
        }
        return (stem, stages);
    }

    private void InitializeWeights()
    {
        using var noGrad = torch.no_grad();
        foreach (var module in modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                    break;
                case BatchNorm2d norm:
                    nn.init.ones_(norm.weight);
                    nn.init.zeros_(norm.bias);
                    break;
            }
        }
    }
}
