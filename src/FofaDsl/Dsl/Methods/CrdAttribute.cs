namespace FofaDsl;

/// <summary>
/// Contrastive representation distillation (Tian et al. 2020): NCE contrast of student and teacher
/// embeddings against negatives drawn from a momentum memory bank of every training sample.
/// Run name <c>crd</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class CrdAttribute : DistillationMethodAttribute
{
    /// <summary>Weight of the term. Default 0.8.</summary>
    public double Weight { get; set; } = 0.8;

    /// <summary>Embedding width. Default 128.</summary>
    public int EmbedDim { get; set; } = 128;

    /// <summary>Negatives per sample; at most the training-set size minus one is used. Default 16384.</summary>
    public int Negatives { get; set; } = 16384;

    /// <summary>NCE temperature; positive. Default 0.07.</summary>
    public double Temperature { get; set; } = 0.07;

    /// <summary>Memory-bank momentum, in [0, 1). Default 0.5.</summary>
    public double Momentum { get; set; } = 0.5;
}
