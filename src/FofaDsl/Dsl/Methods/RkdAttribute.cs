namespace FofaDsl;

/// <summary>
/// Relational KD (Park et al. 2019) on the final features: smooth-L1 between normalised pairwise
/// distances and between triplet angles of student and teacher. Run name <c>rkd</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class RkdAttribute : DistillationMethodAttribute
{
    /// <summary>Weight of the distance term. Default 25.</summary>
    public double DistanceWeight { get; set; } = 25;

    /// <summary>Weight of the angle term. Default 50.</summary>
    public double AngleWeight { get; set; } = 50;

    /// <summary>Floor of the pairwise distances before normalising; positive. Default 1e-12.</summary>
    public double Eps { get; set; } = 1e-12;
}
