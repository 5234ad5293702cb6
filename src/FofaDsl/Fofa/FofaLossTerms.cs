using static TorchSharp.torch;

namespace FofaDsl.Fofa;

/// <summary>
/// The loss terms of one FOFA step, already weighted into <see cref="Total"/>; the other terms
/// are unweighted scalars for logging. Disposing releases every tensor.
/// </summary>
/// <param name="Total">Weighted objective to back-propagate.</param>
/// <param name="CrossEntropy">Student cross-entropy with the labels.</param>
/// <param name="LogitKd">Logit distillation from the plain teacher.</param>
/// <param name="Feature">Feature distillation: sum over stages of HCL(aligned student, teacher).</param>
/// <param name="PromptRegularisation">KL between plain and prompted teacher predictions (0 without prompts).</param>
/// <param name="StudentLogits">Student logits <c>[B, classes]</c>, e.g. for training accuracy.</param>
public sealed record FofaLossTerms(
    Tensor Total,
    Tensor CrossEntropy,
    Tensor LogitKd,
    Tensor Feature,
    Tensor PromptRegularisation,
    Tensor StudentLogits) : IDisposable
{
    /// <summary>Disposes all tensors of this record.</summary>
    public void Dispose()
    {
        Total.Dispose();
        CrossEntropy.Dispose();
        LogitKd.Dispose();
        Feature.Dispose();
        PromptRegularisation.Dispose();
        StudentLogits.Dispose();
    }
}
