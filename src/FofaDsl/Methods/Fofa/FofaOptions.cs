namespace FofaDsl.Methods.Fofa;

/// <summary>
/// Hyper-parameters and ablation switches of FOFA (method spec sections 3-5).
/// </summary>
/// <param name="Queries">Total region-aware attention queries <c>N</c>; <c>N / 4</c> must be a perfect square <c>g^2</c>.</param>
/// <param name="TokenWidth">Attention token width <c>d</c>.</param>
/// <param name="Heads">Attention heads; must divide <see cref="TokenWidth"/>.</param>
/// <param name="PromptStages">Teacher stages (1..4) that get an adaptive feedback prompt before their input; null means all four.</param>
/// <param name="UseRegionAwareAttention">False aligns each student stage directly to its teacher stage (FitNet-like ablation).</param>
/// <param name="UsePrompts">False distils from the plain teacher's features and drops the prompt regularisation.</param>
/// <param name="UseFeedback">False lets the prompt block act on the stage input alone (ablation "AFP w/o feedback"); ignored without prompts.</param>
/// <param name="ReferenceCodeQuirks">Reproduces the four quirks of the authors' code (spec section 5 and the README): gate-only SE,
/// position code indexed by batch position, the LAST token treated as the class token, and a prompt's output turned back
/// into tokens by a plain reshape of <c>[B, C, H, W]</c> (no permute), which scrambles a token teacher's tokens.</param>
/// <param name="FeatureWeight">This run's feature-loss weight instead of <see cref="FofaLossWeights.Feature"/>; null keeps that one.</param>
/// <param name="FeatureWarmupEpochs">Epochs over which the feature loss ramps in, <c>min(epoch / FeatureWarmupEpochs, 1)</c> (0: none).</param>
/// <param name="RecomputeTeacher">True keeps only each stage's input of the prompted teacher pass and recomputes the stage in the
/// backward pass (<see cref="RecomputedSegment"/>): the same gradients with much less memory, for one more teacher forward per
/// step; false keeps every activation of that pass.</param>
public sealed record FofaOptions(
    int Queries = 64,
    int TokenWidth = 512,
    int Heads = 8,
    IReadOnlyList<int>? PromptStages = null,
    bool UseRegionAwareAttention = true,
    bool UsePrompts = true,
    bool UseFeedback = true,
    bool ReferenceCodeQuirks = false,
    double? FeatureWeight = null,
    int FeatureWarmupEpochs = 0,
    bool RecomputeTeacher = true)
{
    /// <summary>Number of backbone stages FOFA works on.</summary>
    public const int StageCount = 4;

    /// <summary>The stages that get prompts, defaulting to all four.</summary>
    public IReadOnlyList<int> PromptStages { get; init; } = PromptStages ?? [1, 2, 3, 4];

    /// <summary>Queries contributed by each stage, <c>N / 4 = g^2</c>.</summary>
    public int QueriesPerStage => Queries / StageCount;

    /// <summary>Side <c>g</c> of each stage's query grid.</summary>
    public int GridSize => (int)Math.Round(Math.Sqrt(QueriesPerStage));

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent setting.</summary>
    public void Validate()
    {
        if (Queries <= 0 || Queries % StageCount != 0 || GridSize * GridSize != QueriesPerStage)
            throw new ArgumentException(
                $"Queries = {Queries}: FOFA splits the queries over 4 stages as g x g grids, so Queries / 4 must be a perfect square (e.g. 16, 64, 144).",
                nameof(Queries));
        if (TokenWidth <= 0)
            throw new ArgumentException($"TokenWidth = {TokenWidth} must be positive.", nameof(TokenWidth));
        if (Heads <= 0 || TokenWidth % Heads != 0)
            throw new ArgumentException(
                $"TokenWidth = {TokenWidth} must be divisible by Heads = {Heads} (each head gets TokenWidth / Heads channels).",
                nameof(Heads));
        foreach (var stage in PromptStages)
        {
            if (stage is < 1 or > StageCount)
                throw new ArgumentException($"PromptStages contains {stage}; stages are numbered 1..4.", nameof(PromptStages));
        }
        var repeated = PromptStages.GroupBy(s => s).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
            throw new ArgumentException($"PromptStages lists stage {repeated.Key} more than once.", nameof(PromptStages));
        if (FeatureWeight is { } weight && !(weight >= 0 && double.IsFinite(weight)))
            throw new ArgumentException($"FeatureWeight = {weight} must be a finite number, 0 or more.", nameof(FeatureWeight));
        if (FeatureWarmupEpochs < 0)
            throw new ArgumentException($"FeatureWarmupEpochs = {FeatureWarmupEpochs} must be 0 (no warm-up) or more.", nameof(FeatureWarmupEpochs));
    }
}
