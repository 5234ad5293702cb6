namespace FofaDsl;

/// <summary>
/// DIST (Huang et al. 2022): Pearson-correlation matching of the class probabilities, between classes of
/// a sample (inter) and between samples of a class (intra): <c>Weight * T^2 * (Beta * inter + Gamma * intra)</c>.
/// Run name <c>dist</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DistAttribute : DistillationMethodAttribute
{
    /// <summary>Weight of the term. Default 1.</summary>
    public double Weight { get; set; } = 1;

    /// <summary>Weight of the inter-class relation. Default 1.</summary>
    public double Beta { get; set; } = 1;

    /// <summary>Weight of the intra-class relation. Default 1.</summary>
    public double Gamma { get; set; } = 1;

    /// <summary>Softmax temperature T; positive. Default 1.</summary>
    public double Temperature { get; set; } = 1;
}
