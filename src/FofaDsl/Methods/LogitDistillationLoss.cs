using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Methods;

/// <summary>
/// Hinton's logit distillation, method spec section 2 (1), shared by logit KD and FOFA's prompt regularisation:
/// <c>T^2 * KL(softmax(z_t / T) || softmax(z_s / T))</c>, summed over classes and averaged over the batch.
/// </summary>
/// <remarks>
/// Written out with <c>log_softmax</c> because TorchSharp's <c>kl_div</c> defaults to a
/// log-space target and has no <c>batchmean</c> reduction.
/// </remarks>
public static class LogitDistillationLoss
{
    /// <summary>The loss for logits <c>[B, classes]</c>; gradients flow into both arguments unless the caller detaches one.</summary>
    /// <param name="studentLogits">Logits of the distribution being trained.</param>
    /// <param name="teacherLogits">Logits of the target distribution.</param>
    /// <param name="temperature">Softening temperature <c>T &gt; 0</c>.</param>
    public static Tensor Compute(Tensor studentLogits, Tensor teacherLogits, double temperature = 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);
        if (!studentLogits.shape.SequenceEqual(teacherLogits.shape) || studentLogits.dim() != 2)
            throw new ArgumentException(
                $"Logits must both be [B, classes]; got [{string.Join(", ", studentLogits.shape)}] and [{string.Join(", ", teacherLogits.shape)}].");

        using var scope = NewDisposeScope();
        var logStudent = nn.functional.log_softmax(studentLogits / temperature, 1);
        var logTeacher = nn.functional.log_softmax(teacherLogits / temperature, 1);
        var perSample = (logTeacher.exp() * (logTeacher - logStudent)).sum(1);
        return (perSample.mean() * (temperature * temperature)).MoveToOuterDisposeScope();
    }
}
