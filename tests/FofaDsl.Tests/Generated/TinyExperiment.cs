using FofaDsl.Backbones;

namespace FofaDsl.Tests.Generated;

/// <summary>A deliberately tiny experiment, so the generated program can be run inside unit tests.</summary>
[Experiment(Seed = 11)]
[Teacher(Architecture.DeiTTiny, PatchSize = 7, EmbedDim = 16, Depth = 4, Heads = 2)]
[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 4)]
[Scratch, Kd, Dkd, Dist, FitNet, Ofa, Cc, Rkd, Crd(Negatives = 16)]
[Kd(Run = "kd+fitnet", Temperature = 2), FitNet(Run = "kd+fitnet", Stages = new[] { 3, 4 })]
[Fofa(Queries = 16, TokenWidth = 16, Heads = 2)]
[Schedule(Epochs = 1, TeacherEpochs = 1, BatchSize = 8, LearningRate = 1e-3, WarmupEpochs = 0)]
[Data(DatasetKind.FashionMnist, TrainLimit = 32)]
public partial class TinyExperiment;

/// <summary>No teacher: plain supervised training, as for training a teacher.</summary>
[Experiment(Seed = 4)]
[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 4)]
[Scratch]
[Schedule(Epochs = 1, BatchSize = 8, WarmupEpochs = 0)]
[Data(DatasetKind.FashionMnist, TrainLimit = 16)]
public partial class TinyScratchExperiment;

/// <summary>A plain TorchSharp module as the student, its four stages read through taps.</summary>
[Experiment(Seed = 8)]
[Teacher(Architecture.DeiTTiny, PatchSize = 7, EmbedDim = 16, Depth = 4, Heads = 2)]
[Student(typeof(TinyTapNet))]
[Tap(ModelRole.Student, 1, nameof(TinyTapNet.conv1), Channels = 8, Stride = 1)]
[Tap(ModelRole.Student, 2, nameof(TinyTapNet.conv2), Channels = 16, Stride = 2)]
[Tap(ModelRole.Student, 3, nameof(TinyTapNet.conv3), Channels = 32, Stride = 4)]
[Tap(ModelRole.Student, 4, nameof(TinyTapNet.conv4), Channels = 32, Stride = 8)]
[Scratch, Kd, FitNet, Cc, Fofa(Queries = 16, TokenWidth = 16, Heads = 2)]
[Schedule(Epochs = 1, TeacherEpochs = 1, BatchSize = 8, WarmupEpochs = 0)]
[Data(DatasetKind.FashionMnist, TrainLimit = 16)]
public partial class TinyTappedExperiment;

/// <summary>The reverse pairing (CNN teacher, ViT student) at 32 pixels, prompts on two stages.</summary>
[Experiment(Seed = 5)]
[Teacher(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 4)]
[Student(Architecture.DeiTTiny, PatchSize = 8, EmbedDim = 16, Depth = 4, Heads = 2)]
[Fofa(Queries = 16, TokenWidth = 16, Heads = 2, PromptStages = new[] { 2, 4 })]
[Schedule(Epochs = 1, TeacherEpochs = 1, BatchSize = 8, Optimizer = OptimizerKind.Sgd, LearningRate = 0.01, WarmupEpochs = 0)]
[Data(DatasetKind.FashionMnist, ImageSize = 32, TrainLimit = 32)]
public partial class TinyReverseExperiment;

/// <summary>Zoo families in a generated program: a small Swin-P teacher and an MLP-Mixer student at 32 pixels.</summary>
[Experiment(Seed = 2)]
[Teacher(Architecture.SwinPico, PatchSize = 2, EmbedDim = 16, WindowSize = 2)]
[Student(Architecture.MixerB16, PatchSize = 8, EmbedDim = 16, Depth = 4)]
[Fofa(Queries = 16, TokenWidth = 16, Heads = 2)]
[Schedule(Epochs = 1, TeacherEpochs = 1, BatchSize = 4, WarmupEpochs = 0)]
[Data(DatasetKind.FashionMnist, ImageSize = 32, TrainLimit = 8)]
public partial class TinySwinToMixer;

/// <summary>Zoo families in a generated program: a narrow ConvNeXt teacher and MobileNetV2 (with ResMLP as the alternative) at 32 pixels.</summary>
[Experiment(Seed = 2)]
[Teacher(Architecture.ConvNeXtTiny, BaseWidth = 8)]
[Student(Architecture.MobileNetV2)]
[Fofa(Queries = 4, TokenWidth = 16, Heads = 2)]
[Schedule(Epochs = 1, TeacherEpochs = 1, BatchSize = 4, WarmupEpochs = 0)]
[Data(DatasetKind.FashionMnist, ImageSize = 32, TrainLimit = 8)]
public partial class TinyConvNeXtToMobileNet;

/// <summary>ResMLP teacher, ViT-S-shaped student, narrow and shallow.</summary>
[Experiment(Seed = 2)]
[Teacher(Architecture.ResMlpS12, PatchSize = 8, EmbedDim = 16, Depth = 4)]
[Student(Architecture.VitSmall, PatchSize = 8, EmbedDim = 16, Depth = 4, Heads = 2)]
[Fofa(Queries = 16, TokenWidth = 16, Heads = 2)]
[Schedule(Epochs = 1, TeacherEpochs = 1, BatchSize = 4, WarmupEpochs = 0)]
[Data(DatasetKind.FashionMnist, ImageSize = 32, TrainLimit = 8)]
public partial class TinyResMlpToVit;

/// <summary>CIFAR-10 from a folder given at run time (--data), RGB at 32 pixels.</summary>
[Experiment(Seed = 6)]
[Teacher(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 4)]
[Student(Architecture.DeiTTiny, PatchSize = 8, EmbedDim = 16, Depth = 4, Heads = 2)]
[Fofa(Queries = 16, TokenWidth = 16, Heads = 2)]
[Schedule(Epochs = 1, TeacherEpochs = 1, BatchSize = 3, WarmupEpochs = 0)]
[Data(DatasetKind.Cifar10, Path = "cifar-10-batches-bin")]
public partial class TinyCifarExperiment;

/// <summary>The paper's ViT-student recipe (RandAugment, erasing, mixup/cutmix: soft targets) through every method.</summary>
[Experiment(Seed = 9)]
[Teacher(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 4)]
[Student(Architecture.DeiTTiny, PatchSize = 7, EmbedDim = 16, Depth = 4, Heads = 2)]
[Fofa(Queries = 16, TokenWidth = 16, Heads = 2)]
[Dkd, Ofa]
[Schedule(Epochs = 1, TeacherEpochs = 1, BatchSize = 8, WarmupEpochs = 0, GradientClip = 5)]
[Data(DatasetKind.FashionMnist, TrainLimit = 16, Augmentation = AugmentationKind.VitRecipe)]
public partial class TinyAugmentedExperiment;

/// <summary>An ablation table in one declaration: full FOFA, FOFA without RAA, FOFA without prompts at a smaller N.</summary>
[Experiment(Seed = 6)]
[Teacher(Architecture.DeiTTiny, PatchSize = 7, EmbedDim = 16, Depth = 4, Heads = 2)]
[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 4)]
[Fofa(Queries = 16, TokenWidth = 16, Heads = 2)]
[Fofa(Run = "fofa-no-raa", Queries = 16, TokenWidth = 16, Heads = 2, RegionAwareAttention = false)]
[Fofa(Run = "fofa-no-afp", Queries = 4, TokenWidth = 16, Heads = 2, Prompts = false)]
[Schedule(Epochs = 1, TeacherEpochs = 1, BatchSize = 8, WarmupEpochs = 0)]
[Data(DatasetKind.FashionMnist, TrainLimit = 16)]
public partial class TinyAblationExperiment;

/// <summary>
/// The paper's Table 4 as a user would declare it, the RAA-only run first: every report must show each run by its
/// name and say what it lacks against the full method (<c>raa (FOFA without prompts)</c>, <c>fofa (FOFA)</c>).
/// </summary>
[Experiment(Seed = 8)]
[Teacher(Architecture.DeiTTiny, PatchSize = 7, EmbedDim = 16, Depth = 4, Heads = 2)]
[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 4)]
[FitNet(Run = "fitnet")]
[Fofa(Run = "raa", Prompts = false, Queries = 16, TokenWidth = 16, Heads = 2)]
[Fofa(Run = "raa-afp-nofb", Feedback = false, Queries = 16, TokenWidth = 16, Heads = 2)]
[Fofa(Run = "fofa", Queries = 16, TokenWidth = 16, Heads = 2)]
[Schedule(Epochs = 1, TeacherEpochs = 1, BatchSize = 8, WarmupEpochs = 0)]
[Data(DatasetKind.FashionMnist, TrainLimit = 16)]
public partial class TinyTable4Experiment;
