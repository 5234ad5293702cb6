namespace FofaDsl.Methods.Kd;

/// <summary>Settings of logit KD (Hinton et al. 2015); defaults from the paper's heterogeneous benchmark.</summary>
public sealed record KdOptions
{
    /// <summary>Weight of the KD term next to the cross-entropy (default 1).</summary>
    public double Weight { get; init; } = 1.0;

    /// <summary>Softening temperature <c>T</c> of both sides (default 1); the term is scaled by <c>T^2</c>.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting outside its range.</summary>
    public void Validate()
    {
        TermOptionChecks.Weight(Weight, nameof(Weight));
        TermOptionChecks.Positive(Temperature, nameof(Temperature));
    }
}
