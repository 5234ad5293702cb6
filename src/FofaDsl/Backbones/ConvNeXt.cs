using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// timm's ConvNeXt (<c>convnext_tiny</c> and its family) cut into the stem (<c>stem.0</c>, a 4x4
/// convolution with stride 4, and <c>stem.1</c>, a <see cref="LayerNorm2d"/>), the four stages
/// <c>stages.0</c>..<c>stages.3</c> and the head (<c>head.norm</c>, <c>head.fc</c>). Parameter names
/// equal timm's, so its state dicts load by name.
/// </summary>
[StageGeometry(StageLayout.Spatial, Channels = [96, 192, 384, 768], Strides = [4, 8, 16, 32], StemChannels = 96, StemStride = 4, RoundDown = true, ReferenceWidth = 96)]
public sealed class ConvNeXt : StagedBackbone
{
    private readonly Sequential stem;
    private readonly ModuleList<ConvNeXtStage> stages;
    private readonly ConvNeXtHead head;

    private readonly StageGeometry stemGeometry;
    private readonly StageGeometry[] stageGeometries;

    /// <summary>Builds the network described by <paramref name="options"/>, initialised as timm does.</summary>
    /// <exception cref="ArgumentException">When the options are invalid (e.g. the image size is not a multiple of 32).</exception>
    public ConvNeXt(ConvNeXtOptions options) : base(nameof(ConvNeXt))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;

        var dims = options.Dims;
        stem = nn.Sequential(
            nn.Conv2d(options.InputChannels, dims[0], kernel_size: 4, stride: 4),
            new LayerNorm2d(dims[0], ConvNeXtBlock.LayerNormEpsilon));
        stages = new ModuleList<ConvNeXtStage>();
        var rates = options.BlockDropPathRates();
        for (var i = 0; i < 4; i++)
        {
            var inChannels = i == 0 ? dims[0] : dims[i - 1];
            stages.Add(new ConvNeXtStage(inChannels, dims[i], downsampleInput: i > 0, rates[i], options.LayerScaleInit));
        }
        head = new ConvNeXtHead(dims[3], options.NumClasses);

        // Stem 4x4/4 maps S to S/4; each later stage's 2x2/2 downsample halves it (exact, as S % 32 == 0).
        var side = options.ImageSize / 4;
        stemGeometry = StageGeometry.Spatial(dims[0], side, side);
        stageGeometries = new StageGeometry[4];
        for (var i = 0; i < 4; i++)
        {
            if (i > 0) side /= 2;
            stageGeometries[i] = StageGeometry.Spatial(dims[i], side, side);
        }
        RegisterComponents();
        InitializeWeights();
    }

    /// <summary>The options this network was built from.</summary>
    public ConvNeXtOptions Options { get; }

    /// <inheritdoc />
    public override StageGeometry StemGeometry => stemGeometry;

    /// <inheritdoc />
    public override IReadOnlyList<StageGeometry> StageGeometries => stageGeometries;

    /// <inheritdoc />
    public override int NumClasses => Options.NumClasses;

    /// <inheritdoc />
    public override Tensor ForwardStem(Tensor images) => stem.call(images);

    /// <summary>Runs <c>stages.{stage - 1}</c> for stage 1..4.</summary>
    public override Tensor ForwardStage(int stage, Tensor input)
    {
        if (stage is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(stage), stage, "Stages are numbered 1..4.");
        return stages[stage - 1].call(input);
    }

    /// <inheritdoc />
    public override IReadOnlyList<Func<Tensor, Tensor>> StageSegments(int stage)
    {
        if (stage is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(stage), stage, "Stages are numbered 1..4.");
        return stages[stage - 1].Segments;
    }

    /// <inheritdoc />
    public override int EmbeddingWidth => Options.Dims[3];

    /// <inheritdoc />
    public override bool ClassifiesEmbedding => true;

    /// <summary>Global average pooling and the head's <c>norm</c> (<see cref="ConvNeXtHead.Pool"/>): what <c>head.fc</c> reads.</summary>
    /// <param name="lastStage">Stage 4's output.</param>
    public override Tensor ForwardEmbedding(Tensor lastStage) => head.Pool(lastStage);

    /// <summary><c>head.fc</c>.</summary>
    /// <param name="embedding">Output of <see cref="ForwardEmbedding"/>.</param>
    public override Tensor ForwardClassifier(Tensor embedding) => head.Classify(embedding);

    /// <summary>Pooling, <c>head.norm</c>, <c>head.fc</c> (timm's head).</summary>
    public override Tensor ForwardHead(Tensor lastStage)
    {
        using var scope = NewDisposeScope();
        return ForwardClassifier(ForwardEmbedding(lastStage)).MoveToOuterDisposeScope();
    }

    /// <summary>timm's init: truncated normal (std 0.02) for convolutions and linears, zero biases; norms start at 1 and 0.</summary>
    private void InitializeWeights()
    {
        using var noGrad = torch.no_grad();
        foreach (var module in modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    TruncatedNormal.Fill(conv.weight, std: 0.02);
                    if (conv.bias is not null) nn.init.zeros_(conv.bias);
                    break;
                case Linear linear:
                    TruncatedNormal.Fill(linear.weight, std: 0.02);
                    if (linear.bias is not null) nn.init.zeros_(linear.bias);
                    break;
            }
        }
    }
}
