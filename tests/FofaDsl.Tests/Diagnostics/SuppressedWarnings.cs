using FofaDsl.Backbones;

namespace FofaDsl.Tests.Diagnostics;

// This project builds with TreatWarningsAsErrors: it compiles only if the real build lets a user silence the generator's
// FOFA025 warning (DKD's warm-up longer than the training) with a #pragma here, and by severity in .editorconfig for
// SeveritySuppressedWarnings.cs beside this file.

#pragma warning disable FOFA025 // a one-epoch smoke run of a declaration meant for longer training
/// <summary>An experiment whose FOFA025 warning a <c>#pragma</c> silences.</summary>
[Experiment(Seed = 3)]
[Teacher(Architecture.DeiTTiny, PatchSize = 7, EmbedDim = 16, Depth = 4, Heads = 2)]
[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 4)]
[Dkd(WarmupEpochs = 20)]
[Schedule(Epochs = 1, TeacherEpochs = 1, BatchSize = 8, WarmupEpochs = 0)]
[Data(DatasetKind.FashionMnist, TrainLimit = 16)]
public partial class PragmaSuppressedExperiment;
#pragma warning restore FOFA025
