using FofaDsl.Backbones;
using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Generated;

/// <summary>A user's own backbone: four strided conv stages, declared once with [StageGeometry].</summary>
[StageGeometry(StageLayout.Spatial, Channels = [8, 16, 32, 64], Strides = [1, 2, 4, 8], StemChannels = 8, StemStride = 1)]
public sealed class TinyUserNet : StagedBackbone
{
    private readonly Conv2d stem;
    private readonly ModuleList<Conv2d> stages;
    private readonly Linear head;
    private readonly int imageSize;
    private readonly int classes;

    public TinyUserNet(int numClasses, int imageSize, int inputChannels) : base(nameof(TinyUserNet))
    {
        this.imageSize = imageSize;
        classes = numClasses;
        stem = nn.Conv2d(inputChannels, 8, 3, padding: 1);
        stages = new ModuleList<Conv2d>(
            nn.Conv2d(8, 8, 3, padding: 1), nn.Conv2d(8, 16, 3, stride: 2, padding: 1),
            nn.Conv2d(16, 32, 3, stride: 2, padding: 1), nn.Conv2d(32, 64, 3, stride: 2, padding: 1));
        head = nn.Linear(64, numClasses);
        RegisterComponents();
    }

    public override StageGeometry StemGeometry => StageGeometry.Spatial(8, imageSize, imageSize);

    public override IReadOnlyList<StageGeometry> StageGeometries =>
        new[] { 8, 16, 32, 64 }.Select((c, i) => StageGeometry.Spatial(c, (imageSize + (1 << i) - 1) >> i, (imageSize + (1 << i) - 1) >> i)).ToArray();

    public override int NumClasses => classes;

    public override Tensor ForwardStem(Tensor images) => nn.functional.relu(stem.call(images));

    public override Tensor ForwardStage(int stage, Tensor input) => nn.functional.relu(stages[stage - 1].call(input));

    public override Tensor ForwardHead(Tensor lastStage) => head.call(lastStage.mean([2, 3]));
}

/// <summary>The user's model as the student of a ViT teacher.</summary>
[Experiment(Seed = 4)]
[Teacher(Architecture.DeiTTiny, PatchSize = 7, EmbedDim = 16, Depth = 4, Heads = 2)]
[Student(typeof(TinyUserNet))]
[Fofa(Queries = 16, TokenWidth = 16, Heads = 2)]
[Schedule(Epochs = 1, TeacherEpochs = 1, BatchSize = 4, WarmupEpochs = 0)]
[Data(DatasetKind.FashionMnist, TrainLimit = 8)]
public partial class TinyUserExperiment;

/// <summary>A user's backbone whose StageGeometries property contradicts its [StageGeometry] (stage 3 has 48 channels, not 32).</summary>
[StageGeometry(StageLayout.Spatial, Channels = [8, 16, 32, 64], Strides = [1, 2, 4, 8], StemChannels = 8, StemStride = 1)]
public sealed class TinyMisdeclaredNet(int numClasses, int imageSize, int inputChannels) : StagedBackbone(nameof(TinyMisdeclaredNet))
{
    public override StageGeometry StemGeometry => StageGeometry.Spatial(8, imageSize, imageSize);

    public override IReadOnlyList<StageGeometry> StageGeometries =>
        new[] { 8, 16, 48, 64 }.Select((c, i) => StageGeometry.Spatial(c, (imageSize + (1 << i) - 1) >> i, (imageSize + (1 << i) - 1) >> i)).ToArray();

    public override int NumClasses => numClasses;

    public override Tensor ForwardStem(Tensor images) => images.expand(-1, 8 / inputChannels, -1, -1);

    public override Tensor ForwardStage(int stage, Tensor input) => input;

    public override Tensor ForwardHead(Tensor lastStage) => lastStage.mean([2, 3]);
}

/// <summary>The misdeclared model as a student: it compiles (the attribute is consistent), and is refused when built.</summary>
[Experiment(Seed = 4)]
[Teacher(Architecture.DeiTTiny, PatchSize = 7, EmbedDim = 16, Depth = 4, Heads = 2)]
[Student(typeof(TinyMisdeclaredNet))]
[Kd]
[Schedule(Epochs = 1, TeacherEpochs = 1, BatchSize = 4, WarmupEpochs = 0)]
[Data(DatasetKind.FashionMnist, TrainLimit = 8)]
public partial class TinyMisdeclaredExperiment;
