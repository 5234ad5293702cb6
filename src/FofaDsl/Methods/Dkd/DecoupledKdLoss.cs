using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Methods.Dkd;

/// <summary>
/// Decoupled knowledge distillation (Zhao et al., CVPR 2022):
/// <c>alpha * TCKD + beta * NCKD</c>, both scaled by <c>T^2</c> and averaged over the batch.
/// </summary>
/// <remarks>
/// <para>TCKD is the KL divergence between the binary distributions "target class vs. all other classes"
/// of teacher and student. NCKD is the KL divergence between the distributions over the non-target
/// classes only, obtained as in the reference code by subtracting 1000 from the target logit (after the
/// division by <c>T</c>) before the softmax, so the target class keeps no mass.</para>
/// <para>Plain KD decomposes as <c>KD = TCKD + (1 - p_t[target]) * NCKD</c> per sample, where
/// <c>p_t[target]</c> is the teacher's target probability; DKD frees NCKD from that factor.</para>
/// <para>The paper's benchmark uses alpha 1, beta 2, T 1. The DKD paper's own ImageNet setting
/// (beta 8, T 4, a 20-epoch linear warm-up of the whole term) is the caller's schedule, not part of
/// this function.</para>
/// </remarks>
public static class DecoupledKdLoss
{
    /// <summary>Subtracted from the target logit to drop the target class from the NCKD softmax (reference value).</summary>
    public const double TargetMaskOffset = 1000.0;

    /// <summary>The DKD loss for logits <c>[B, classes]</c> and integer class labels <c>[B]</c>.</summary>
    /// <param name="studentLogits">Student logits <c>[B, classes]</c>.</param>
    /// <param name="teacherLogits">Teacher logits <c>[B, classes]</c>; detach them if the teacher is frozen.</param>
    /// <param name="labels">Ground-truth class indices <c>[B]</c> (int64); soft labels must be reduced to their argmax first.</param>
    /// <param name="alpha">Weight of the target-class term TCKD.</param>
    /// <param name="beta">Weight of the non-target-class term NCKD.</param>
    /// <param name="temperature">Softening temperature <c>T &gt; 0</c>.</param>
    public static Tensor Compute(Tensor studentLogits, Tensor teacherLogits, Tensor labels, double alpha = 1, double beta = 2, double temperature = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);
        if (!studentLogits.shape.SequenceEqual(teacherLogits.shape) || studentLogits.dim() != 2)
            throw new ArgumentException(
                $"Logits must both be [B, classes]; got [{string.Join(", ", studentLogits.shape)}] and [{string.Join(", ", teacherLogits.shape)}].");
        if (labels.numel() != studentLogits.shape[0])
            throw new ArgumentException($"Expected {studentLogits.shape[0]} labels, got {labels.numel()}.", nameof(labels));

        using var scope = NewDisposeScope();
        var batch = studentLogits.shape[0];
        var targetMask = nn.functional.one_hot(labels.reshape(-1).to_type(ScalarType.Int64), studentLogits.shape[1]).to(studentLogits.dtype, studentLogits.device);
        var otherMask = 1.0 - targetMask;
        var scaledStudent = studentLogits / temperature;
        var scaledTeacher = teacherLogits / temperature;

        var studentBinary = TargetVersusRest(nn.functional.softmax(scaledStudent, 1), targetMask, otherMask);
        var teacherBinary = TargetVersusRest(nn.functional.softmax(scaledTeacher, 1), targetMask, otherMask);
        // log of the summed probabilities, as the reference (not a log-sum-exp): keeps the same numerics.
        var targetTerm = (xlogy(teacherBinary, teacherBinary) - teacherBinary * studentBinary.log()).sum() / batch;

        var logTeacherNonTarget = nn.functional.log_softmax(scaledTeacher - TargetMaskOffset * targetMask, 1);
        var logStudentNonTarget = nn.functional.log_softmax(scaledStudent - TargetMaskOffset * targetMask, 1);
        // The masked class has teacher probability exp(-1000) == 0, so it contributes nothing.
        var nonTargetTerm = (logTeacherNonTarget.exp() * (logTeacherNonTarget - logStudentNonTarget)).sum() / batch;

        var loss = (alpha * targetTerm + beta * nonTargetTerm) * (temperature * temperature);
        return loss.MoveToOuterDisposeScope();
    }

    private static Tensor TargetVersusRest(Tensor probabilities, Tensor targetMask, Tensor otherMask) =>
        cat([(probabilities * targetMask).sum(1, keepdim: true), (probabilities * otherMask).sum(1, keepdim: true)], 1);
}
