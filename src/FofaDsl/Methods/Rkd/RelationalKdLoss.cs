using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Methods.Rkd;

/// <summary>
/// Relational knowledge distillation (RKD, Park et al., CVPR 2019) on final features flattened per sample:
/// <c>distanceWeight * L_distance + angleWeight * L_angle</c>.
/// </summary>
/// <remarks>
/// <para>Distance term: Euclidean (not squared) pairwise distances of each side, each divided by the
/// mean of its positive entries, compared by smooth-L1 (beta 1, mean over all <c>B^2</c> pairs, the zero
/// diagonal included as in the reference). Squared distances are clamped at <c>eps</c> before the square root.</para>
/// <para>Angle term: for every triplet <c>(i, j, k)</c> the cosine of the angle at <c>i</c> between the unit
/// vectors <c>f_j - f_i</c> and <c>f_k - f_i</c> (a zero difference stays the zero vector), compared by
/// smooth-L1 (mean over all <c>B^3</c> triplets).</para>
/// <para>The teacher side is computed under <c>no_grad</c>. Benchmark defaults: weights 25 and 50, eps 1e-12.</para>
/// </remarks>
public static class RelationalKdLoss
{
    /// <summary>The weighted RKD loss for features <c>[B, ...]</c> (the two sides may differ in width).</summary>
    /// <param name="studentFeature">Student final feature with batch first.</param>
    /// <param name="teacherFeature">Teacher final feature with the same batch size.</param>
    /// <param name="distanceWeight">Weight of the distance term.</param>
    /// <param name="angleWeight">Weight of the angle term.</param>
    /// <param name="eps">Lower clamp of the squared distances.</param>
    public static Tensor Compute(Tensor studentFeature, Tensor teacherFeature, double distanceWeight = 25, double angleWeight = 50, double eps = 1e-12)
    {
        using var scope = NewDisposeScope();
        var loss = distanceWeight * DistanceTerm(studentFeature, teacherFeature, eps)
                   + angleWeight * AngleTerm(studentFeature, teacherFeature);
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>The unweighted distance term: smooth-L1 between the mean-normalised distance matrices.</summary>
    /// <param name="studentFeature">Student final feature with batch first.</param>
    /// <param name="teacherFeature">Teacher final feature with the same batch size.</param>
    /// <param name="eps">Lower clamp of the squared distances.</param>
    public static Tensor DistanceTerm(Tensor studentFeature, Tensor teacherFeature, double eps = 1e-12)
    {
        CheckBatch(studentFeature, teacherFeature);
        using var scope = NewDisposeScope();
        Tensor teacher;
        using (no_grad()) teacher = MeanNormalised(PairwiseDistances(Flatten(teacherFeature), eps));
        var student = MeanNormalised(PairwiseDistances(Flatten(studentFeature), eps));
        return nn.functional.smooth_l1_loss(student, teacher).MoveToOuterDisposeScope();
    }

    /// <summary>The unweighted angle term: smooth-L1 between the triplet cosines.</summary>
    /// <param name="studentFeature">Student final feature with batch first.</param>
    /// <param name="teacherFeature">Teacher final feature with the same batch size.</param>
    public static Tensor AngleTerm(Tensor studentFeature, Tensor teacherFeature)
    {
        CheckBatch(studentFeature, teacherFeature);
        using var scope = NewDisposeScope();
        Tensor teacher;
        using (no_grad()) teacher = TripletCosines(Flatten(teacherFeature));
        var student = TripletCosines(Flatten(studentFeature));
        return nn.functional.smooth_l1_loss(student, teacher).MoveToOuterDisposeScope();
    }

    /// <summary>Euclidean distances <c>[B, B]</c> with an exactly zero diagonal.</summary>
    internal static Tensor PairwiseDistances(Tensor rows, double eps)
    {
        var squaredNorms = rows.pow(2).sum(1);
        var squared = (squaredNorms.unsqueeze(1) + squaredNorms.unsqueeze(0) - 2 * rows.matmul(rows.t())).clamp_min(eps);
        // Masked by multiplication, not an in-place write, so autograd sees a plain product.
        var offDiagonal = 1.0 - eye(rows.shape[0], dtype: rows.dtype, device: rows.device);
        return squared.sqrt() * offDiagonal;
    }

    private static Tensor MeanNormalised(Tensor distances) => distances / distances.masked_select(distances > 0).mean();

    /// <summary><c>cos[i, j, k]</c> of the angle at <c>i</c> towards <c>j</c> and <c>k</c>, flattened to <c>[B^3]</c>.</summary>
    private static Tensor TripletCosines(Tensor rows)
    {
        var differences = rows.unsqueeze(0) - rows.unsqueeze(1); // [i, j] = f_j - f_i
        var unit = nn.functional.normalize(differences, p: 2, dim: 2);
        return unit.bmm(unit.transpose(1, 2)).reshape(-1);
    }

    private static Tensor Flatten(Tensor feature) => feature.reshape(feature.shape[0], -1);

    private static void CheckBatch(Tensor studentFeature, Tensor teacherFeature)
    {
        if (studentFeature.dim() < 2 || teacherFeature.dim() < 2 || studentFeature.shape[0] != teacherFeature.shape[0])
            throw new ArgumentException(
                $"Features must be [B, ...] with the same B; got [{string.Join(", ", studentFeature.shape)}] and [{string.Join(", ", teacherFeature.shape)}].");
    }
}
