namespace FofaDsl.Methods.Dist;

/// <summary>Settings of DIST (Huang et al. 2022); defaults from the paper's heterogeneous benchmark.</summary>
public sealed record DistOptions
{
    /// <summary>Weight of the whole DIST term next to the cross-entropy (default 1).</summary>
    public double Weight { get; init; } = 1.0;

    /// <summary>Weight of the inter-class (per-sample) relation (default 1).</summary>
    public double Beta { get; init; } = 1.0;

    /// <summary>Weight of the intra-class (per-class, across the batch) relation (default 1).</summary>
    public double Gamma { get; init; } = 1.0;

    /// <summary>Softening temperature <c>T</c> (default 1); the term is scaled by <c>T^2</c>.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting outside its range.</summary>
    public void Validate()
    {
        TermOptionChecks.Weight(Weight, nameof(Weight));
        TermOptionChecks.Weight(Beta, nameof(Beta));
        TermOptionChecks.Weight(Gamma, nameof(Gamma));
        TermOptionChecks.Positive(Temperature, nameof(Temperature));
    }
}
