using FofaDsl.Backbones;

namespace FofaDsl.Tests.Generated;

/// <summary>A deliberately tiny experiment, so the generated program can be run inside unit tests.</summary>
[Experiment(Seed = 11)]
[Teacher(Architecture.VisionTransformer, PatchSize = 7, EmbedDim = 16, Depth = 4, Heads = 2)]
[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 4)]
[Fofa(Queries = 16, TokenWidth = 16, Heads = 2)]
[Schedule(Epochs = 1, TeacherEpochs = 1, BatchSize = 8, LearningRate = 1e-3, WarmupEpochs = 0)]
[Data(DatasetKind.FashionMnist, TrainLimit = 32)]
public partial class TinyExperiment;

/// <summary>The reverse pairing (CNN teacher, ViT student) at 32 pixels, prompts on two stages.</summary>
[Experiment(Seed = 5)]
[Teacher(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 4)]
[Student(Architecture.VisionTransformer, PatchSize = 8, EmbedDim = 16, Depth = 4, Heads = 2)]
[Fofa(Queries = 16, TokenWidth = 16, Heads = 2, PromptStages = new[] { 2, 4 })]
[Schedule(Epochs = 1, TeacherEpochs = 1, BatchSize = 8, Optimizer = OptimizerKind.Sgd, LearningRate = 0.01, WarmupEpochs = 0)]
[Data(DatasetKind.FashionMnist, ImageSize = 32, TrainLimit = 32)]
public partial class TinyReverseExperiment;
