namespace FofaDsl.Methods.Rkd;

/// <summary>
/// Settings of relational KD (Park et al. 2019); defaults from the paper's heterogeneous benchmark
/// (Euclidean, not squared, distances).
/// </summary>
public sealed record RkdOptions
{
    /// <summary>Weight of the distance term (default 25).</summary>
    public double DistanceWeight { get; init; } = 25.0;

    /// <summary>Weight of the angle term (default 50).</summary>
    public double AngleWeight { get; init; } = 50.0;

    /// <summary>Lower clamp of the squared pairwise distances before the square root (default 1e-12).</summary>
    public double Eps { get; init; } = 1e-12;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting outside its range.</summary>
    public void Validate()
    {
        TermOptionChecks.Weight(DistanceWeight, nameof(DistanceWeight));
        TermOptionChecks.Weight(AngleWeight, nameof(AngleWeight));
        TermOptionChecks.Positive(Eps, nameof(Eps));
    }
}
