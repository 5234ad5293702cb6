using FofaDsl;
using FofaDsl.Backbones;

namespace FofaDsl.Examples;

/// <summary>
/// A CNN teacher distilled into a small ViT on Fashion-MNIST, with the paper's ablation as runs: scratch, logit KD,
/// FitNet, RAA only, RAA + prompts without feedback, and full FOFA (then FOFA with a smaller feature weight, and with
/// the feature loss brought in over the epochs). Sized for a CPU (minutes per run on the full
/// Fashion-MNIST with <c>--data</c> and <c>--train-limit</c>); run it over seeds with <c>compare --seeds 11,12,13</c>.
/// </summary>
[Experiment(Seed = 11)]
[Teacher(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16)]
[Student(Architecture.DeiTTiny, PatchSize = 4, EmbedDim = 96, Depth = 6, Heads = 3)]
[Scratch, Kd, FitNet]
[Fofa(Queries = 64, TokenWidth = 128, Heads = 4)]
[Fofa(Run = "raa", Prompts = false, Queries = 64, TokenWidth = 128, Heads = 4)]
[Fofa(Run = "raa+afp", Feedback = false, Queries = 64, TokenWidth = 128, Heads = 4)]
// Two settings for short schedules, measured against the paper's in the README ("When FOFA pays off").
[Fofa(Run = "fofa-weight-0_1", FeatureWeight = 0.1, Queries = 64, TokenWidth = 128, Heads = 4)]
[Fofa(Run = "fofa-warmup3", FeatureWarmupEpochs = 3, Queries = 64, TokenWidth = 128, Heads = 4)]
[Schedule(Epochs = 3, TeacherEpochs = 5, BatchSize = 100, Optimizer = OptimizerKind.AdamW, LearningRate = 2e-3, WeightDecay = 0.05, WarmupEpochs = 1)]
[Data(DatasetKind.FashionMnist)]
public partial class CnnToVit;
