using FofaDsl;

namespace FofaDsl.Examples;

/// <summary>
/// The paper's Table 4 in one declaration: ConvNeXt-T teaching DeiT-T on CIFAR-100 at 224 pixels with the paper's ViT
/// recipe, as FitNet, RAA only, RAA + prompts without feedback, and full FOFA (the paper: 60.71, 70.12, 79.13,
/// 79.59 %). The teacher is a ConvNeXt-T fine-tuned on CIFAR-100; put its state_dict in <c>weights/</c> (or train it
/// here with <c>--teacher-epochs</c> and no weights). A GPU run: about 300 epochs x 4 runs.
/// </summary>
[Experiment(Seed = 0)]
[Teacher(Architecture.ConvNeXtTiny, Weights = "weights/convnext_tiny-cifar100.pth")]
[Student(Architecture.DeiTTiny)]
[FitNet(Run = "fitnet")]
// The paper's N = 64 queries, width 512, 8 heads and prompts before all four stages are FOFA's defaults.
[Fofa(Run = "raa", Prompts = false)]
[Fofa(Run = "raa-afp-nofb", Feedback = false)]
[Fofa(Run = "fofa")]
// CIFAR-100, ViT/MLP student: AdamW 5e-4 cosine to 1e-5, weight decay 0.05, 20 warm-up epochs, clip 5, label
// smoothing 0.1 (LossWeights' default), RandAugment m9 + random erasing + mixup/cutmix (VitRecipe), 300 epochs, batch 128.
[Schedule(Epochs = 300, BatchSize = 128, Optimizer = OptimizerKind.AdamW, LearningRate = 5e-4, MinLearningRate = 1e-5,
    WeightDecay = 0.05, WarmupEpochs = 20, GradientClip = 5)]
[Data(DatasetKind.Cifar100, Path = "data", ImageSize = 224, Augmentation = AugmentationKind.VitRecipe)]
public partial class PaperAblation;
