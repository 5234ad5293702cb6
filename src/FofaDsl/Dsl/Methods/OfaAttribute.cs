namespace FofaDsl;

/// <summary>
/// OFA-KD (Hao et al. 2023): each selected student stage gets a branch that maps its features to
/// logits, and every branch's and the final logits learn from the teacher's with the
/// target-enhanced loss <c>-(1 + p_t[y])^Eps * log p_s[y] - sum_{c != y} p_t[c] * log p_s[c]</c>.
/// Run name <c>ofa</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class OfaAttribute : DistillationMethodAttribute
{
    /// <summary>Weight of the summed OFA losses. Default 1.</summary>
    public double Weight { get; set; } = 1;

    /// <summary>Target-enhancement exponent; positive. Default 1 (1.5 on ImageNet).</summary>
    public double Eps { get; set; } = 1;

    /// <summary>Softmax temperature; positive. Default 1.</summary>
    public double Temperature { get; set; } = 1;

    /// <summary>Student stages (1..4, each at most once) that get a branch. Default all four.</summary>
    public int[] Stages { get; set; } = [1, 2, 3, 4];

    /// <summary>Use the authors' code's form of the loss instead of the paper's equation. Default false.</summary>
    public bool OfficialCodeForm { get; set; }
}
