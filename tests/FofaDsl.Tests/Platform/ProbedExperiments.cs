using FofaDsl.Backbones;

namespace FofaDsl.Tests.Platform;

/// <summary>The quickstart's pair (same models and FOFA settings) with every method, so each method's own convolutions are probed.</summary>
[Experiment(Seed = 7)]
[Teacher(Architecture.DeiTTiny, PatchSize = 7, EmbedDim = 96, Depth = 6, Heads = 3)]
[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 8)]
[Scratch, Kd, Dkd, Dist, FitNet, Ofa, Cc, Rkd, Crd(Negatives = 16), Fofa(Queries = 64, TokenWidth = 128, Heads = 4)]
[Schedule(Epochs = 1, TeacherEpochs = 1, BatchSize = 8, WarmupEpochs = 0)]
[Data(DatasetKind.FashionMnist)]
public partial class QuickstartPairWithEveryMethod;

/// <summary>The reverse direction at the paper's size: a spatial (CNN) teacher, so FOFA's prompts and fusion convolutions run at 224.</summary>
[Experiment(Seed = 7)]
[Teacher(Architecture.ConvNeXtTiny)]
[Student(Architecture.DeiTTiny)]
[FitNet, Ofa, Fofa(Queries = 64, TokenWidth = 512, Heads = 8)]
[Schedule(Epochs = 1, TeacherEpochs = 1, BatchSize = 8, WarmupEpochs = 0)]
[Data(DatasetKind.Cifar100, ImageSize = 224, Path = "unused")]
public partial class ConvNeXtToDeiTAt224;
