namespace FofaDsl.Methods.Crd;

/// <summary>Settings of contrastive representation distillation (Tian et al. 2020); defaults from the paper's heterogeneous benchmark.</summary>
public sealed record CrdOptions
{
    /// <summary>Weight of the two NCE losses next to the cross-entropy (default 0.8).</summary>
    public double Weight { get; init; } = 0.8;

    /// <summary>Width of the embedding both sides are projected to before L2 normalisation (default 128).</summary>
    public int EmbedDim { get; init; } = 128;

    /// <summary>Negatives drawn per sample from the memory bank (default 16384); capped at the training-set size minus one.</summary>
    public int Negatives { get; init; } = 16384;

    /// <summary>NCE temperature (default 0.07).</summary>
    public double Temperature { get; init; } = 0.07;

    /// <summary>Share of the old memory row kept in each update (default 0.5).</summary>
    public double Momentum { get; init; } = 0.5;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting outside its range.</summary>
    public void Validate()
    {
        TermOptionChecks.Weight(Weight, nameof(Weight));
        TermOptionChecks.AtLeast(EmbedDim, 1, nameof(EmbedDim));
        TermOptionChecks.AtLeast(Negatives, 1, nameof(Negatives));
        TermOptionChecks.Positive(Temperature, nameof(Temperature));
        TermOptionChecks.UnitInterval(Momentum, nameof(Momentum));
    }
}
