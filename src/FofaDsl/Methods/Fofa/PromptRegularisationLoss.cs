using static TorchSharp.torch;

namespace FofaDsl.Methods.Fofa;

/// <summary>
/// Prompt regularisation, method spec section 2 (7): <c>KL(p_t || p^_t)</c> keeps the prompted
/// teacher's predictions close to the plain teacher's, so prompts cannot trade accuracy for friendliness.
/// </summary>
public static class PromptRegularisationLoss
{
    /// <summary>
    /// Batch-mean <c>KL(softmax(plain) || softmax(prompted))</c> at temperature 1. The plain teacher's
    /// logits are detached, so only whatever produced <paramref name="promptedTeacherLogits"/> receives gradient.
    /// </summary>
    /// <param name="plainTeacherLogits">Logits of the teacher without prompts (the target).</param>
    /// <param name="promptedTeacherLogits">Logits of the teacher with prompts.</param>
    public static Tensor Compute(Tensor plainTeacherLogits, Tensor promptedTeacherLogits)
    {
        using var target = plainTeacherLogits.detach();
        return LogitDistillationLoss.Compute(promptedTeacherLogits, target, 1.0);
    }
}
