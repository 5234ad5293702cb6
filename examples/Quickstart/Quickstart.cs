using FofaDsl;
using FofaDsl.Backbones;

namespace FofaDsl.Examples;

/// <summary>
/// The quickstart: a small ViT teacher distilled into a small ResNet18 on Fashion-MNIST
/// (the subset embedded in FofaDsl, or the full set with --data). Sized to finish on a
/// two-core CPU in minutes; the paper's settings are N = 64, d = 512, 8 heads at 224 pixels.
/// </summary>
[Experiment(Seed = 7)]
[Teacher(Architecture.DeiTTiny, PatchSize = 7, EmbedDim = 96, Depth = 6, Heads = 3)]
[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 8)]
[Scratch, Kd, Fofa(Queries = 64, TokenWidth = 128, Heads = 4)]
[LossWeights(CrossEntropy = 1, LogitKd = 1, Feature = 1, PromptRegularisation = 1, Temperature = 1)]
[Schedule(Epochs = 2, TeacherEpochs = 30, BatchSize = 128, Optimizer = OptimizerKind.AdamW, LearningRate = 3e-3, WeightDecay = 0.05, WarmupEpochs = 1)]
[Data(DatasetKind.FashionMnist)]
public partial class Quickstart;
