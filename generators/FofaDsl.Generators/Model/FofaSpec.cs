using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace FofaDsl.Generators.Model;

/// <summary>Resolved settings of one <c>[Fofa]</c> run; <see cref="Grid"/> is sqrt(N/4).</summary>
internal sealed record FofaSpec(
    int Queries,
    int Grid,
    int TokenWidth,
    int Heads,
    EquatableArray<int> PromptStages,
    bool RegionAwareAttention,
    bool Prompts,
    bool Feedback,
    bool ReferenceCodeQuirks,
    double? FeatureWeight = null,
    int FeatureWarmupEpochs = 0,
    bool RecomputeTeacher = true)
{
    /// <summary>Whether the run has prompts at all: switched on and before at least one stage.</summary>
    public bool HasPrompts => Prompts && PromptStages.Count > 0;

    /// <summary>The prompt stages in words: "stage 4", "stages 1, 2".</summary>
    public string StageList => (PromptStages.Count == 1 ? "stage " : "stages ") + string.Join(", ", PromptStages.Select(s => s.ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// This run in words against the full method, for every place a run is shown ("FOFA", "FOFA without prompts",
    /// "FOFA without feedback, with N 16"): a component is named when it is off (every component on, prompts before all
    /// four stages, is the full method), a size or knob when it differs from <paramref name="main"/>, the experiment's
    /// first FOFA run, whose sizes are the experiment's own.
    /// </summary>
    public string Describe(FofaSpec main)
    {
        var parts = new List<string>();
        if (!RegionAwareAttention) parts.Add("without RAA");
        if (!HasPrompts) parts.Add("without prompts");
        else
        {
            if (!Feedback) parts.Add("without feedback");
            if (!PromptStages.SequenceEqual(new[] { 1, 2, 3, 4 })) parts.Add("with prompts at " + StageList);
        }
        if (RegionAwareAttention && Queries != main.Queries) parts.Add("with N " + Queries.ToString(CultureInfo.InvariantCulture));
        if (TokenWidth != main.TokenWidth) parts.Add("with d " + TokenWidth.ToString(CultureInfo.InvariantCulture));
        if (RegionAwareAttention && Heads != main.Heads) parts.Add("with " + Heads.ToString(CultureInfo.InvariantCulture) + " heads");
        if (ReferenceCodeQuirks != main.ReferenceCodeQuirks) parts.Add(ReferenceCodeQuirks ? "with the reference code's quirks" : "without the reference code's quirks");
        if (FeatureWeight != main.FeatureWeight)
            parts.Add(FeatureWeight is { } weight ? "with feature weight " + weight.ToString("0.###", CultureInfo.InvariantCulture) : "with the declared feature weight");
        if (FeatureWarmupEpochs != main.FeatureWarmupEpochs) parts.Add("with feature warm-up " + FeatureWarmupEpochs.ToString(CultureInfo.InvariantCulture));
        return parts.Count == 0 ? "FOFA" : "FOFA " + string.Join(", ", parts);
    }
}
