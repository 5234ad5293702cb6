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
    int FeatureWarmupEpochs = 0)
{
    /// <summary>Whether the run has prompts at all: switched on and before at least one stage.</summary>
    public bool HasPrompts => Prompts && PromptStages.Count > 0;

    /// <summary>The prompt stages in words: "stage 4", "stages 1, 2".</summary>
    public string StageList => (PromptStages.Count == 1 ? "stage " : "stages ") + string.Join(", ", PromptStages.Select(s => s.ToString(CultureInfo.InvariantCulture)));

    /// <summary>How these settings differ from <paramref name="other"/>'s, in words for a results table ("no RAA", "N 16").</summary>
    public List<string> DifferencesFrom(FofaSpec other)
    {
        var differences = new List<string>();
        void Switch(bool mine, bool theirs, string name)
        {
            if (mine != theirs) differences.Add((mine ? "with " : "no ") + name);
        }

        Switch(RegionAwareAttention, other.RegionAwareAttention, "RAA");
        Switch(Prompts, other.Prompts, "prompts");
        Switch(Feedback, other.Feedback, "feedback");
        if (Prompts && !PromptStages.SequenceEqual(other.PromptStages))
            differences.Add(PromptStages.Count == 0 ? "no prompt stages" : "prompts at " + StageList);
        if (Queries != other.Queries) differences.Add("N " + Queries.ToString(CultureInfo.InvariantCulture));
        if (TokenWidth != other.TokenWidth) differences.Add("d " + TokenWidth.ToString(CultureInfo.InvariantCulture));
        if (Heads != other.Heads) differences.Add(Heads.ToString(CultureInfo.InvariantCulture) + " heads");
        Switch(ReferenceCodeQuirks, other.ReferenceCodeQuirks, "reference-code quirks");
        if (FeatureWeight != other.FeatureWeight && FeatureWeight is { } weight) differences.Add("feature weight " + weight.ToString("0.###", CultureInfo.InvariantCulture));
        if (FeatureWarmupEpochs != other.FeatureWarmupEpochs) differences.Add("feature warm-up " + FeatureWarmupEpochs.ToString(CultureInfo.InvariantCulture));
        return differences;
    }
}
