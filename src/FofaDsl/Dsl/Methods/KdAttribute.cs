namespace FofaDsl;

/// <summary>
/// Logit knowledge distillation (Hinton et al. 2015): <c>Weight * T^2 * KL(softmax(z_t/T) || softmax(z_s/T))</c>.
/// Run name <c>kd</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class KdAttribute : DistillationMethodAttribute
{
    /// <summary>Weight of the term; finite and non-negative. Default 1.</summary>
    public double Weight { get; set; } = 1;

    /// <summary>Softmax temperature T; positive. Default 1.</summary>
    public double Temperature { get; set; } = 1;
}
