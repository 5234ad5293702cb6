using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Methods.Cc;

/// <summary>
/// Correlation congruence (CC, Peng et al., ICCV 2019): the student's batch correlation matrix is made to
/// match the teacher's. Both final features are embedded (Linear to <c>embedDim</c>, then L2-normalised),
/// each side's <c>[B, B]</c> correlation matrix uses a Gaussian kernel approximated by its Taylor
/// expansion, and the loss is <c>scale * MSE</c> between the two matrices.
/// </summary>
/// <remarks>
/// Benchmark defaults: embedding dim 128, gamma 0.4, Taylor order 2, scale (the loss weight) 0.02.
/// The teacher's embedding head is trained too (as in the reference); only the teacher backbone is frozen.
/// </remarks>
public sealed class CorrelationCongruence : nn.Module
{
    private readonly Linear embed_s;
    private readonly Linear embed_t;
    private readonly double gamma;
    private readonly int order;
    private readonly double scale;

    /// <summary>Creates the two embedding heads.</summary>
    /// <param name="studentDim">Flattened size of one student final feature.</param>
    /// <param name="teacherDim">Flattened size of one teacher final feature.</param>
    /// <param name="embedDim">Width of the shared embedding space.</param>
    /// <param name="gamma">Gaussian kernel width: <c>k(x, y) = exp(-gamma * |x - y|^2)</c>.</param>
    /// <param name="scale">Loss weight applied inside <see cref="Loss"/>.</param>
    /// <param name="order">Order <c>P</c> of the Taylor expansion.</param>
    public CorrelationCongruence(int studentDim, int teacherDim, int embedDim = 128, double gamma = 0.4, double scale = 0.02, int order = 2)
        : base(nameof(CorrelationCongruence))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(studentDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(teacherDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embedDim);
        ArgumentOutOfRangeException.ThrowIfNegative(order);
        this.gamma = gamma;
        this.order = order;
        this.scale = scale;
        embed_s = nn.Linear(studentDim, embedDim);
        embed_t = nn.Linear(teacherDim, embedDim);
        RegisterComponents();
    }

    /// <summary>The student embedding head (Linear before normalisation).</summary>
    public Linear StudentEmbedding => embed_s;

    /// <summary>The teacher embedding head (Linear before normalisation).</summary>
    public Linear TeacherEmbedding => embed_t;

    /// <summary><c>scale * MSE(C(e_s), C(e_t))</c> for final features <c>[B, ...]</c> (flattened per sample).</summary>
    /// <param name="studentFeature">Student final feature, any shape with batch first.</param>
    /// <param name="teacherFeature">Teacher final feature with the same batch size; detach it if the teacher is frozen.</param>
    public Tensor Loss(Tensor studentFeature, Tensor teacherFeature)
    {
        if (studentFeature.shape[0] != teacherFeature.shape[0])
            throw new ArgumentException($"Batch sizes differ: {studentFeature.shape[0]} and {teacherFeature.shape[0]}.");

        using var scope = NewDisposeScope();
        var student = CorrelationMatrix(Embed(embed_s, studentFeature), gamma, order);
        var teacher = CorrelationMatrix(Embed(embed_t, teacherFeature), gamma, order);
        return (scale * nn.functional.mse_loss(student, teacher)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The batch correlation matrix <c>C[i, j] = exp(-2 gamma) * sum_{p=0..P} (2 gamma)^p / p! * (e_i . e_j)^p</c>
    /// of the L2-normalised rows <c>e_i</c>: the order-<c>P</c> Taylor expansion of the Gaussian kernel
    /// <c>exp(-gamma |e_i - e_j|^2) = exp(-2 gamma) exp(2 gamma e_i . e_j)</c> for unit vectors.
    /// </summary>
    /// <param name="embeddings">Embeddings <c>[B, d]</c>; normalised here again (idempotent for unit rows).</param>
    /// <param name="gamma">Gaussian kernel width.</param>
    /// <param name="order">Taylor order <c>P</c>.</param>
    /// <returns>The <c>[B, B]</c> matrix.</returns>
    public static Tensor CorrelationMatrix(Tensor embeddings, double gamma = 0.4, int order = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(order);
        if (embeddings.dim() != 2)
            throw new ArgumentException($"Embeddings must be [B, d]; got [{string.Join(", ", embeddings.shape)}].", nameof(embeddings));

        using var scope = NewDisposeScope();
        var unit = nn.functional.normalize(embeddings, p: 2, dim: 1);
        var similarity = unit.matmul(unit.t());
        var correlation = zeros_like(similarity);
        var power = ones_like(similarity);
        var coefficient = Math.Exp(-2 * gamma);
        for (var p = 0; p <= order; p++)
        {
            correlation = correlation + coefficient * power;
            power = power * similarity;
            coefficient *= 2 * gamma / (p + 1);
        }
        return correlation.MoveToOuterDisposeScope();
    }

    private static Tensor Embed(Linear head, Tensor feature) =>
        nn.functional.normalize(head.call(feature.reshape(feature.shape[0], -1)), p: 2, dim: 1);
}
