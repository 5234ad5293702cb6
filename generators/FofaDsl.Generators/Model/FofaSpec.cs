namespace FofaDsl.Generators.Model;

/// <summary>Resolved <c>[Fofa]</c> settings; <see cref="Grid"/> is sqrt(N/4).</summary>
internal sealed record FofaSpec(
    int Queries,
    int Grid,
    int TokenWidth,
    int Heads,
    EquatableArray<int> PromptStages,
    bool RegionAwareAttention,
    bool Prompts,
    bool Feedback,
    bool ReferenceCodeQuirks);
