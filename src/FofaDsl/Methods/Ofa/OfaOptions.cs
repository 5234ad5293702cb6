namespace FofaDsl.Methods.Ofa;

/// <summary>Settings of the OFA-KD baseline (defaults: the heterogeneous benchmark's eps 1, T 1, stages 1-4, weight 1).</summary>
/// <param name="Weight">Weight of the summed OFA losses (every branch and the final logits) next to the cross-entropy.</param>
/// <param name="Eps">The target-enhancement exponent (1.5 on ImageNet).</param>
/// <param name="Temperature">The softmax temperature of student and teacher.</param>
/// <param name="Stages">The 1-based student stages that get a branch; null means all four.</param>
/// <param name="BranchWidth">Width of every branch's pooled features; null takes the larger of the two models' last-stage widths, as OFA-KD does.</param>
/// <param name="BranchHeads">Attention heads of the token branches' transformer blocks.</param>
/// <param name="OfficialCodeForm">Use <see cref="OfaLoss.ComputeAsOfficialCode"/> instead of the paper's equation (<see cref="OfaLoss.Compute"/>).</param>
public sealed record OfaOptions(
    double Weight = 1.0,
    double Eps = 1.0,
    double Temperature = 1.0,
    IReadOnlyList<int>? Stages = null,
    int? BranchWidth = null,
    int BranchHeads = 4,
    bool OfficialCodeForm = false)
{
    /// <summary>The stages actually used: <see cref="Stages"/>, or 1..4.</summary>
    public IReadOnlyList<int> ResolvedStages => Stages ?? [1, 2, 3, 4];

    /// <summary>
    /// Transformer blocks of the token branch of stage <paramref name="stage"/>: two for stages 1-2 and
    /// one for stages 3-4 (OFA-KD uses <c>max(4 - stage, 1)</c>; capped at two to keep the branches small).
    /// </summary>
    public static int TransformerBlocksFor(int stage) => Math.Clamp(4 - stage, 1, 2);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!(Weight >= 0) || double.IsInfinity(Weight))
            throw new ArgumentException($"Weight = {Weight} must be a non-negative finite number.", nameof(Weight));
        if (!(Eps > 0) || double.IsInfinity(Eps))
            throw new ArgumentException($"Eps = {Eps} must be a positive finite number.", nameof(Eps));
        if (!(Temperature > 0) || double.IsInfinity(Temperature))
            throw new ArgumentException($"Temperature = {Temperature} must be a positive finite number.", nameof(Temperature));
        if (BranchWidth is < 1) throw new ArgumentException($"BranchWidth = {BranchWidth} must be positive.", nameof(BranchWidth));
        if (BranchHeads < 1) throw new ArgumentException($"BranchHeads = {BranchHeads} must be positive.", nameof(BranchHeads));
        FitNetStageList.Validate(ResolvedStages, nameof(Stages));
    }
}
