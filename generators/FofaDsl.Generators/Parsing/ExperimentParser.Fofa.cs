using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using FofaDsl.Generators.Diagnostics;
using FofaDsl.Generators.Model;

namespace FofaDsl.Generators.Parsing;

/// <summary>The [Fofa] settings: RAA queries, width and heads, prompt stages and ablation switches.</summary>
internal sealed partial class ExperimentParser
{
    /// <summary>One FOFA run's settings (<paramref name="fofa"/> null: the defaults), validated against both models; null after reporting a problem.</summary>
    private FofaSpec? ParseFofa(AttributeReader? fofa, ModelSpec? teacher, ModelSpec? student, ModelLocations models)
    {
        var queries = fofa?.Int("Queries", Defaults.Queries) ?? Defaults.Queries;
        var width = fofa?.Int("TokenWidth", Defaults.TokenWidth) ?? Defaults.TokenWidth;
        var heads = fofa?.Int("Heads", Defaults.AttentionHeads) ?? Defaults.AttentionHeads;
        var stages = fofa?.IntArray("PromptStages") ?? ImmutableArray.Create(1, 2, 3, 4);
        var valid = true;

        var grid = 0;
        if (!QueryCounts.IsValid(queries) || !IsSquare(queries / 4, out grid))
        {
            var nearest = QueryCounts.Nearest(queries).ToString(CultureInfo.InvariantCulture);
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalog.QueriesNotSquare, fofa?.LocationOf("Queries"), queries,
                (queries / 4.0).ToString("0.##", CultureInfo.InvariantCulture), nearest) with { FixValue = nearest });
            valid = false;
        }
        if (width <= 0) { Report(DiagnosticCatalog.ValueOutOfRange, fofa?.LocationOf("TokenWidth"), "TokenWidth", width, "use a positive width"); valid = false; }
        if (heads <= 0) { Report(DiagnosticCatalog.ValueOutOfRange, fofa?.LocationOf("Heads"), "Heads", heads, "use at least one head"); valid = false; }
        else if (width > 0 && width % heads != 0) { Report(DiagnosticCatalog.HeadsDoNotDivideWidth, fofa?.LocationOf("Heads"), "Region-aware attention", width, heads); valid = false; }

        var seen = new HashSet<int>();
        foreach (var stage in stages)
        {
            if (stage < 1 || stage > 4) { Report(DiagnosticCatalog.PromptStageInvalid, fofa?.LocationOf("PromptStages"), stage == int.MinValue ? "a non-constant" : stage.ToString(CultureInfo.InvariantCulture), "teacher stages are numbered 1 to 4"); valid = false; }
            else if (!seen.Add(stage)) { Report(DiagnosticCatalog.PromptStageInvalid, fofa?.LocationOf("PromptStages"), stage, "it is listed more than once"); valid = false; }
        }

        if (valid && student is not null)
        {
            for (var i = 0; i < student.Stages.Count; i++)
            {
                var shape = student.Stages[i];
                if (shape.Height < grid)
                    Report(DiagnosticCatalog.GridLargerThanStage, fofa?.LocationOf("Queries") ?? models.Student, i + 1, shape.Height, shape.Width, grid, queries);
            }
        }

        // FeatureWeight unset (NaN, the attribute's default) keeps the [LossWeights] Feature weight.
        var featureWeight = fofa?.Double("FeatureWeight", double.NaN) ?? double.NaN;
        if (!double.IsNaN(featureWeight) && !(featureWeight >= 0 && !double.IsInfinity(featureWeight)))
        {
            Report(DiagnosticCatalog.ValueOutOfRange, fofa?.LocationOf("FeatureWeight"), "FeatureWeight", featureWeight.ToString(CultureInfo.InvariantCulture), "use a weight of 0 or more");
            valid = false;
        }
        var featureWarmup = fofa?.Int("FeatureWarmupEpochs", 0) ?? 0;
        if (featureWarmup < 0) { Report(DiagnosticCatalog.ValueOutOfRange, fofa?.LocationOf("FeatureWarmupEpochs"), "FeatureWarmupEpochs", featureWarmup, "use 0 (no warm-up) or more epochs"); valid = false; }

        var prompts = fofa?.Bool("Prompts", true) ?? true;
        if (teacher is { IsTapped: true } && prompts && stages.Length > 0)
        {
            Report(DiagnosticCatalog.PromptsNeedStagedTeacher, fofa?.LocationOf("Prompts") ?? models.Teacher, string.Join(", ", stages), teacher.Architecture);
            valid = false;
        }

        return valid
            ? new FofaSpec(queries, grid, width, heads, new EquatableArray<int>(stages),
                fofa?.Bool("RegionAwareAttention", true) ?? true, prompts,
                fofa?.Bool("Feedback", true) ?? true, fofa?.Bool("ReferenceCodeQuirks", false) ?? false,
                double.IsNaN(featureWeight) ? null : featureWeight, featureWarmup, fofa?.Bool("RecomputeTeacher", true) ?? true)
            : null;
    }

    private static bool IsSquare(int value, out int root)
    {
        root = (int)Math.Round(Math.Sqrt(value));
        return root > 0 && root * root == value;
    }

}
