using static TorchSharp.torch;

namespace FofaDsl.Methods;

/// <summary>
/// Training targets come as class indices <c>[B]</c> (int64) or, after mixup/cutmix, as soft targets
/// <c>[B, classes]</c> that already include label smoothing. Every method's cross-entropy goes through here.
/// </summary>
public static class Targets
{
    /// <summary>Cross-entropy with label smoothing for class indices, or soft-target cross-entropy for soft targets.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor targets, double labelSmoothing) => targets.dim() == 2
        ? Augmentation.SoftTargetCrossEntropy.Compute(logits, targets)
        : nn.functional.cross_entropy(logits, targets, label_smoothing: labelSmoothing);

    /// <summary>Class indices: the targets themselves, or the most likely class of soft targets (as DKD's reference code does).</summary>
    public static Tensor HardLabels(Tensor targets) => targets.dim() == 2 ? targets.argmax(1) : targets;
}
