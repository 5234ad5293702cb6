namespace FofaDsl;

/// <summary>
/// Correlation congruence (Peng et al. 2019): both models' final features are embedded (linear to
/// <see cref="EmbedDim"/>, L2-normalised), and the batch correlation matrices (Gaussian kernel by a
/// 2nd-order Taylor expansion) are matched by MSE. Run name <c>cc</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class CcAttribute : DistillationMethodAttribute
{
    /// <summary>Weight (scale) of the term. Default 0.02.</summary>
    public double Weight { get; set; } = 0.02;

    /// <summary>Embedding width. Default 128.</summary>
    public int EmbedDim { get; set; } = 128;

    /// <summary>Gaussian kernel parameter gamma; positive. Default 0.4.</summary>
    public double Gamma { get; set; } = 0.4;

    /// <summary>Order of the Taylor expansion of the Gaussian kernel, 1 to 8. Default 2.</summary>
    public int TaylorOrder { get; set; } = 2;
}
