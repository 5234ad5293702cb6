using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Methods.Dist;

/// <summary>
/// DIST (Huang et al., NeurIPS 2022): distillation by Pearson correlation of the softened
/// probabilities, <c>T^2 * (beta * inter + gamma * intra)</c>.
/// </summary>
/// <remarks>
/// With <c>p = softmax(z / T)</c> of shape <c>[B, classes]</c>: the inter-class term is the mean over
/// samples of <c>1 - pearson(p_s[b, :], p_t[b, :])</c>, the intra-class term the mean over classes of
/// <c>1 - pearson(p_s[:, c], p_t[:, c])</c>. As in the reference code, the Pearson correlation is the
/// cosine of the centred vectors with <see cref="PearsonEpsilon"/> added to the product of norms, so a
/// constant column (e.g. a batch of one) gives correlation 0 instead of NaN.
/// </remarks>
public static class DistLoss
{
    /// <summary>Added to the denominator of the Pearson correlation (reference value).</summary>
    public const double PearsonEpsilon = 1e-8;

    /// <summary>The DIST loss for logits <c>[B, classes]</c>.</summary>
    /// <param name="studentLogits">Student logits <c>[B, classes]</c>.</param>
    /// <param name="teacherLogits">Teacher logits <c>[B, classes]</c>; detach them if the teacher is frozen.</param>
    /// <param name="beta">Weight of the inter-class (per-sample) relation.</param>
    /// <param name="gamma">Weight of the intra-class (per-class, across the batch) relation.</param>
    /// <param name="temperature">Softening temperature <c>T &gt; 0</c>.</param>
    public static Tensor Compute(Tensor studentLogits, Tensor teacherLogits, double beta = 1, double gamma = 1, double temperature = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);
        if (!studentLogits.shape.SequenceEqual(teacherLogits.shape) || studentLogits.dim() != 2)
            throw new ArgumentException(
                $"Logits must both be [B, classes]; got [{string.Join(", ", studentLogits.shape)}] and [{string.Join(", ", teacherLogits.shape)}].");

        using var scope = NewDisposeScope();
        var student = nn.functional.softmax(studentLogits / temperature, 1);
        var teacher = nn.functional.softmax(teacherLogits / temperature, 1);
        var inter = 1.0 - RowPearson(student, teacher).mean();
        var intra = 1.0 - RowPearson(student.t(), teacher.t()).mean();
        var loss = (beta * inter + gamma * intra) * (temperature * temperature);
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>Pearson correlation of each row of <paramref name="a"/> with the same row of <paramref name="b"/>, <c>[rows]</c>.</summary>
    private static Tensor RowPearson(Tensor a, Tensor b)
    {
        var centredA = a - a.mean([1], keepdim: true);
        var centredB = b - b.mean([1], keepdim: true);
        var norms = centredA.norm(1) * centredB.norm(1);
        return (centredA * centredB).sum(1) / (norms + PearsonEpsilon);
    }
}
