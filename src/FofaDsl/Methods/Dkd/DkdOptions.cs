namespace FofaDsl.Methods.Dkd;

/// <summary>
/// Settings of decoupled KD (Zhao et al. 2022); defaults from the paper's heterogeneous benchmark
/// (alpha 1, beta 2, T 1, no warm-up). The DKD paper's own ImageNet setting is beta 8, T 4 with a 20-epoch warm-up of the term.
/// </summary>
public sealed record DkdOptions
{
    /// <summary>Weight of the target-class term TCKD (default 1).</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Weight of the non-target-class term NCKD (default 2).</summary>
    public double Beta { get; init; } = 2.0;

    /// <summary>Softening temperature <c>T</c> (default 1); both parts are scaled by <c>T^2</c>.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>
    /// Epochs of the linear warm-up of the term: in epoch <c>e</c> (counted from 1) the loss is scaled by
    /// <c>min(e / WarmupEpochs, 1)</c>, as in the DKD paper's code (which uses 20). 0, the default, scales nothing.
    /// </summary>
    public int WarmupEpochs { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting outside its range.</summary>
    public void Validate()
    {
        TermOptionChecks.Weight(Alpha, nameof(Alpha));
        TermOptionChecks.Weight(Beta, nameof(Beta));
        TermOptionChecks.Positive(Temperature, nameof(Temperature));
        TermOptionChecks.AtLeast(WarmupEpochs, 0, nameof(WarmupEpochs));
    }
}
