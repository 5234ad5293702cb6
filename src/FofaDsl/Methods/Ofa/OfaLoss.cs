using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Methods.Ofa;

/// <summary>
/// The OFA-KD loss (Hao et al. 2023): a KD cross-entropy whose target-class term is scaled by
/// <c>(1 + p_t[y])^eps</c>, so confident teacher targets weigh more as <c>eps</c> grows.
/// Both distributions are <c>softmax(z / T)</c>: the temperature divides the student and teacher
/// logits alike, and, as in the official code, there is no <c>T^2</c> factor.
/// </summary>
public static class OfaLoss
{
    /// <summary>
    /// Batch mean of <c>-(1 + p_t[y])^eps * log p_s[y] - sum_{c != y} p_t[c] * log p_s[c]</c>
    /// (the paper's equation; with <c>eps = 1</c> it is a label cross-entropy plus a KD cross-entropy).
    /// </summary>
    /// <param name="logits">Student logits <c>[B, C]</c>.</param>
    /// <param name="teacherLogits">Teacher logits <c>[B, C]</c>; no gradient flows into them.</param>
    /// <param name="labels">Class indices <c>[B]</c> (int64).</param>
    /// <param name="eps">The target-enhancement exponent (1; 1.5 on ImageNet).</param>
    /// <param name="temperature">The softmax temperature of both sides.</param>
    public static Tensor Compute(Tensor logits, Tensor teacherLogits, Tensor labels, double eps = 1, double temperature = 1) =>
        Weighted(logits, teacherLogits, labels, temperature, (teacher, target) =>
            // Non-target classes keep p_t[c]; the target class gets (1 + p_t[y])^eps.
            where(target, (teacher + 1).pow(eps), teacher));

    /// <summary>
    /// The form in the official OFA-KD code (<c>distillers/ofa.py</c>):
    /// <c>-((1 + p_t[y])^eps - 1) * log p_s[y] - sum_{c != y} p_t[c]^eps * log p_s[c]</c>, batch mean. It
    /// differs from <see cref="Compute"/> by leaving the plain label term <c>-log p_s[y]</c> to the separate
    /// cross-entropy and by raising the non-target probabilities to <c>eps</c> too; at <c>eps = 1</c> it
    /// is the plain KD cross-entropy <c>-sum_c p_t[c] * log p_s[c]</c>.
    /// </summary>
    /// <param name="logits">Student logits <c>[B, C]</c>.</param>
    /// <param name="teacherLogits">Teacher logits <c>[B, C]</c>; no gradient flows into them.</param>
    /// <param name="labels">Class indices <c>[B]</c> (int64).</param>
    /// <param name="eps">The target-enhancement exponent.</param>
    /// <param name="temperature">The softmax temperature of both sides.</param>
    public static Tensor ComputeAsOfficialCode(Tensor logits, Tensor teacherLogits, Tensor labels, double eps = 1, double temperature = 1) =>
        Weighted(logits, teacherLogits, labels, temperature, (teacher, target) =>
            (teacher + target.to_type(teacher.dtype)).pow(eps) - target.to_type(teacher.dtype));

    // -sum_c weight[c] * log softmax(z_s / T)[c], batch mean; weight is built from p_t and the target mask.
    private static Tensor Weighted(Tensor logits, Tensor teacherLogits, Tensor labels, double temperature, Func<Tensor, Tensor, Tensor> weightOf)
    {
        using var scope = NewDisposeScope();
        var logStudent = nn.functional.log_softmax(logits / temperature, 1);
        var teacher = nn.functional.softmax(teacherLogits.detach() / temperature, 1);
        var target = nn.functional.one_hot(labels, logits.shape[1]).to_type(ScalarType.Bool);
        var weight = weightOf(teacher, target);
        return (-(weight * logStudent).sum(1)).mean().MoveToOuterDisposeScope();
    }
}
