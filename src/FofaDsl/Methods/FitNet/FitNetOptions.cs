namespace FofaDsl.Methods.FitNet;

/// <summary>Settings of the FitNet baseline (the paper's ablation baseline: stages 1-4, weight 1).</summary>
/// <param name="Weight">Weight of the summed per-stage MSE next to the cross-entropy.</param>
/// <param name="Stages">The 1-based stages that get a regressor; null means all four.</param>
public sealed record FitNetOptions(double Weight = 1.0, IReadOnlyList<int>? Stages = null)
{
    /// <summary>The stages actually used: <see cref="Stages"/>, or 1..4.</summary>
    public IReadOnlyList<int> ResolvedStages => Stages ?? [1, 2, 3, 4];

    /// <summary>Throws <see cref="ArgumentException"/> for a negative or non-finite weight or an empty, repeated or out-of-range stage list.</summary>
    public void Validate()
    {
        if (!(Weight >= 0) || double.IsInfinity(Weight))
            throw new ArgumentException($"Weight = {Weight} must be a non-negative finite number.", nameof(Weight));
        FitNetStageList.Validate(ResolvedStages, nameof(Stages));
    }
}
