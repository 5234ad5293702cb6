namespace FofaDsl;

/// <summary>
/// Decoupled KD (Zhao et al. 2022): <c>(Alpha * TCKD + Beta * NCKD) * T^2</c>, target-class and
/// non-target-class parts of KD weighted separately. Run name <c>dkd</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DkdAttribute : DistillationMethodAttribute
{
    /// <summary>Weight of the target-class part TCKD. Default 1.</summary>
    public double Alpha { get; set; } = 1;

    /// <summary>Weight of the non-target part NCKD. Default 2 (the DKD paper itself uses 8).</summary>
    public double Beta { get; set; } = 2;

    /// <summary>Softmax temperature T; positive. Default 1 (the DKD paper: 4).</summary>
    public double Temperature { get; set; } = 1;

    /// <summary>
    /// Epochs of a linear warm-up of the term: epoch <c>e</c> (from 1) scales it by <c>min(e / WarmupEpochs, 1)</c>.
    /// Default 0, no warm-up (the heterogeneous benchmark); the DKD paper uses 20.
    /// </summary>
    public int WarmupEpochs { get; set; }
}
