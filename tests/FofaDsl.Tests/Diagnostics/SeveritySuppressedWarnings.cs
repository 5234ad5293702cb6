using FofaDsl.Backbones;

namespace FofaDsl.Tests.Diagnostics;

/// <summary>An experiment whose FOFA025 warning the <c>.editorconfig</c> beside this file turns off (<c>dotnet_diagnostic.FOFA025.severity = none</c>).</summary>
[Experiment(Seed = 3)]
[Teacher(Architecture.DeiTTiny, PatchSize = 7, EmbedDim = 16, Depth = 4, Heads = 2)]
[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 4)]
[Dkd(WarmupEpochs = 20)]
[Schedule(Epochs = 1, TeacherEpochs = 1, BatchSize = 8, WarmupEpochs = 0)]
[Data(DatasetKind.FashionMnist, TrainLimit = 16)]
public partial class SeveritySuppressedExperiment;
