namespace FofaDsl.Methods.Cc;

/// <summary>Settings of correlation congruence (Peng et al. 2019); defaults from the paper's heterogeneous benchmark.</summary>
public sealed record CcOptions
{
    /// <summary>Weight ("scale") of the MSE between the two correlation matrices (default 0.02).</summary>
    public double Weight { get; init; } = 0.02;

    /// <summary>Width of the embedding both sides are projected to before L2 normalisation (default 128).</summary>
    public int EmbedDim { get; init; } = 128;

    /// <summary>Width of the Gaussian kernel <c>exp(-gamma |x - y|^2)</c> (default 0.4).</summary>
    public double Gamma { get; init; } = 0.4;

    /// <summary>Order of the kernel's Taylor expansion (default 2).</summary>
    public int TaylorOrder { get; init; } = 2;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting outside its range.</summary>
    public void Validate()
    {
        TermOptionChecks.Weight(Weight, nameof(Weight));
        TermOptionChecks.AtLeast(EmbedDim, 1, nameof(EmbedDim));
        TermOptionChecks.Positive(Gamma, nameof(Gamma));
        TermOptionChecks.AtLeast(TaylorOrder, 0, nameof(TaylorOrder));
    }
}
