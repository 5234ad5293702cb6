using static TorchSharp.torch;

namespace FofaDsl.Augmentation;

/// <summary>timm's <c>SoftTargetCrossEntropy</c>: <c>mean_b sum_k -t[b, k] log_softmax(z)[b, k]</c>, for Mixup/CutMix targets.</summary>
public static class SoftTargetCrossEntropy
{
    /// <summary>The loss of <paramref name="logits"/> <c>[B, K]</c> against <paramref name="softTargets"/> <c>[B, K]</c>; a scalar.</summary>
    public static Tensor Compute(Tensor logits, Tensor softTargets)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(softTargets);
        if (logits.dim() != 2 || !logits.shape.SequenceEqual(softTargets.shape))
            throw new ArgumentException($"Need [B, K] logits and targets of equal shape; got [{string.Join(", ", logits.shape)}] and [{string.Join(", ", softTargets.shape)}].");
        using var scope = NewDisposeScope();
        var perSample = -(softTargets * nn.functional.log_softmax(logits, 1)).sum(1);
        return perSample.mean().MoveToOuterDisposeScope();
    }
}
