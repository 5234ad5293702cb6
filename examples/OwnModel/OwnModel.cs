using FofaDsl;

namespace FofaDsl.Examples;

/// <summary>
/// Your own TorchSharp model as the student: a DeiT teacher (sized for 28-pixel images) teaches <see cref="LeNetPlus"/>
/// through FOFA, its stages named with <c>nameof</c> so that a renamed block is a compile error, not a crash. Runs on
/// the embedded Fashion-MNIST subset on a CPU in a few minutes.
/// </summary>
[Experiment(Seed = 3)]
[Teacher(Architecture.DeiTTiny, PatchSize = 4, EmbedDim = 96, Depth = 6, Heads = 3)]
[Student(typeof(LeNetPlus))]
[Tap(ModelRole.Student, 1, nameof(LeNetPlus.block1), Channels = 32, Stride = 1)]
[Tap(ModelRole.Student, 2, nameof(LeNetPlus.block2), Channels = 64, Stride = 2)]
[Tap(ModelRole.Student, 3, nameof(LeNetPlus.block3), Channels = 128, Stride = 4)]
[Tap(ModelRole.Student, 4, nameof(LeNetPlus.block4), Channels = 256, Stride = 8)]
[Scratch, Kd]
[Fofa(Queries = 16, TokenWidth = 128, Heads = 4)]
[Schedule(Epochs = 5, TeacherEpochs = 5, BatchSize = 100, LearningRate = 2e-3, WarmupEpochs = 1)]
[Data(DatasetKind.FashionMnist)]
public partial class OwnModel;
