namespace FofaDsl;

/// <summary>
/// FitNet hints (Romero et al. 2015): per selected stage, a learned regressor maps the student's stage
/// output to the teacher's stage shape, and <c>Weight * MSE</c> pulls them together. Run name <c>fitnet</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FitNetAttribute : DistillationMethodAttribute
{
    /// <summary>Weight of the summed hint losses. Default 1.</summary>
    public double Weight { get; set; } = 1;

    /// <summary>Stages (1..4, each at most once) that get a hint. Default all four.</summary>
    public int[] Stages { get; set; } = [1, 2, 3, 4];
}
