using FofaDsl.Backbones;
using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Tests.TestModels;

/// <summary>
/// A tiny CNN on 16x16 images for FOFA tests: stem 3->4 @8, stages 4@8, 8@4, 16@2, 32@2.
/// Stage 1 keeps its input shape (identity feedback map); stage 4 keeps the size but widens.
/// </summary>
internal sealed class TinySpatialBackbone : StagedBackbone
{
    private readonly Sequential stem;
    private readonly ModuleList<Sequential> stages;
    private readonly Linear fc;

    public TinySpatialBackbone(int numClasses = 10) : base(nameof(TinySpatialBackbone))
    {
        NumClasses = numClasses;
        stem = ConvBnRelu(3, 4, 2);
        stages = new ModuleList<Sequential>(ConvBnRelu(4, 4, 1), ConvBnRelu(4, 8, 2), ConvBnRelu(8, 16, 2), ConvBnRelu(16, 32, 1));
        fc = nn.Linear(32, numClasses);
        RegisterComponents();
    }

    public override StageGeometry StemGeometry => StageGeometry.Spatial(4, 8, 8);

    public override IReadOnlyList<StageGeometry> StageGeometries { get; } =
        [StageGeometry.Spatial(4, 8, 8), StageGeometry.Spatial(8, 4, 4), StageGeometry.Spatial(16, 2, 2), StageGeometry.Spatial(32, 2, 2)];

    public override int NumClasses { get; }

    public override Tensor ForwardStem(Tensor images) => stem.call(images);

    public override Tensor ForwardStage(int stage, Tensor input) => stages[stage - 1].call(input);

    public override Tensor ForwardHead(Tensor lastStage)
    {
        using var scope = NewDisposeScope();
        return fc.call(lastStage.mean([2, 3])).MoveToOuterDisposeScope();
    }

    private static Sequential ConvBnRelu(int input, int output, int stride) =>
        nn.Sequential(nn.Conv2d(input, output, 3, stride: stride, padding: 1, bias: false), nn.BatchNorm2d(output), nn.ReLU());
}
