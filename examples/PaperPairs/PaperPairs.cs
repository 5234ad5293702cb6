using FofaDsl;

namespace FofaDsl.Examples;

// The paper's CIFAR-100 pairs (Table 1) that put each family on each side: a ViT, an MLP and a CNN teacher, CNN and
// MLP students, all at 224 pixels. Each teacher is timm's ImageNet checkpoint fine-tuned on CIFAR-100, loaded by timm
// parameter name (Weights; put it in weights/ or pass --teacher-weights). Students start from scratch as in the
// paper; --student-weights <timm ImageNet checkpoint> starts one from ImageNet instead (its classifier is skipped).
// The benchmark's recipes: a CNN student trains with SGD 0.05 cosine to 1e-3, weight decay 2e-3, 3 warm-up epochs and
// a model EMA of 0.9998; a ViT or MLP student with AdamW 5e-4 cosine to 1e-5, weight decay 0.05, 20 warm-up epochs,
// clip 5 and the RandAugment/mixup recipe; 300 epochs, batch 128, label smoothing 0.1. FOFA's defaults are the
// paper's CIFAR-100 setting (N = 64, width 512, 8 heads, prompts before every stage).

/// <summary>Swin-T (ViT family) teaches ResNet18 (CNN): the paper's ViT-to-CNN row.</summary>
[Experiment(Seed = 0)]
[Teacher(Architecture.SwinTiny, Weights = "weights/swin_tiny-cifar100.pth")]
[Student(Architecture.ResNet18)]
[Scratch, Kd]
[Fofa]
[Schedule(Epochs = 300, BatchSize = 128, Optimizer = OptimizerKind.Sgd, LearningRate = 0.05, MinLearningRate = 1e-3,
    WeightDecay = 2e-3, WarmupEpochs = 3, EmaDecay = 0.9998)]
[Data(DatasetKind.Cifar100, Path = "data", ImageSize = 224, Augmentation = AugmentationKind.CnnRecipe)]
public partial class SwinToResNet;

/// <summary>ViT-S (ViT) teaches MobileNetV2 (CNN): a small CNN student of a plain ViT.</summary>
[Experiment(Seed = 0)]
[Teacher(Architecture.VitSmall, Weights = "weights/vit_small-cifar100.pth")]
[Student(Architecture.MobileNetV2)]
[Scratch, Kd]
[Fofa]
[Schedule(Epochs = 300, BatchSize = 128, Optimizer = OptimizerKind.Sgd, LearningRate = 0.05, MinLearningRate = 1e-3,
    WeightDecay = 2e-3, WarmupEpochs = 3, EmaDecay = 0.9998)]
[Data(DatasetKind.Cifar100, Path = "data", ImageSize = 224, Augmentation = AugmentationKind.CnnRecipe)]
public partial class VitToMobileNet;

/// <summary>Mixer-B/16 (MLP) teaches ResNet18 (CNN): the paper's MLP-to-CNN row.</summary>
[Experiment(Seed = 0)]
[Teacher(Architecture.MixerB16, Weights = "weights/mixer_b16-cifar100.pth")]
[Student(Architecture.ResNet18)]
[Scratch, Kd]
[Fofa]
[Schedule(Epochs = 300, BatchSize = 128, Optimizer = OptimizerKind.Sgd, LearningRate = 0.05, MinLearningRate = 1e-3,
    WeightDecay = 2e-3, WarmupEpochs = 3, EmaDecay = 0.9998)]
[Data(DatasetKind.Cifar100, Path = "data", ImageSize = 224, Augmentation = AugmentationKind.CnnRecipe)]
public partial class MixerToResNet;

/// <summary>ConvNeXt-T (CNN) teaches ResMLP-S12 (MLP): the paper's CNN-to-MLP row.</summary>
[Experiment(Seed = 0)]
[Teacher(Architecture.ConvNeXtTiny, Weights = "weights/convnext_tiny-cifar100.pth")]
[Student(Architecture.ResMlpS12)]
[Scratch, Kd]
[Fofa]
[Schedule(Epochs = 300, BatchSize = 128, Optimizer = OptimizerKind.AdamW, LearningRate = 5e-4, MinLearningRate = 1e-5,
    WeightDecay = 0.05, WarmupEpochs = 20, GradientClip = 5)]
[Data(DatasetKind.Cifar100, Path = "data", ImageSize = 224, Augmentation = AugmentationKind.VitRecipe)]
public partial class ConvNeXtToResMlp;
