using System.Collections.Generic;
using System.Linq;
using FofaDsl.Generators.Model;
using FofaDsl.Generators.Parsing;
using static FofaDsl.Generators.Emitting.Literals;

namespace FofaDsl.Generators.Emitting;

/// <summary>Writes one training-step factory per declared run: supervised, FOFA, or the cross-entropy plus the run's loss terms.</summary>
internal static class RunEmitter
{
    private const string Context = "global::FofaDsl.Hosting.MethodContext";

    public static void EmitRuns(SourceWriter w, ExperimentSpec spec)
    {
        var names = MemberNames(spec);
        var first = true;
        foreach (var run in spec.Runs)
        {
            if (!first) w.Line();
            first = false;
            var factory = "Create" + names[run.Name] + "Step";
            switch (run.Kind)
            {
                case RunKind.Scratch:
                    w.Line($"/// <summary>The <c>{Xml(run.Name)}</c> run: the student trained on the labels alone (no teacher).</summary>");
                    w.Line($"public static global::FofaDsl.Methods.DistillationStep {factory}({Context} context) =>");
                    w.Line($"    global::FofaDsl.Methods.DistillationStep.Supervised(context.Student, Spec.LabelSmoothing, {String(run.Label)});");
                    break;
                case RunKind.Fofa:
                    EmitFofaRun(w, spec, run, names[run.Name]);
                    break;
                default:
                    EmitTermsRun(w, run, factory);
                    break;
            }
        }
    }

    private static void EmitTermsRun(SourceWriter w, RunSpec run, string factory)
    {
        w.Line($"/// <summary>The <c>{Xml(run.Name)}</c> run: the weighted cross-entropy plus {Xml(Describe(run.Terms))}.</summary>");
        EmitStep(w, run, factory, run.Terms.Select(TermExpression).ToList());
    }

    private static void EmitStep(SourceWriter w, RunSpec run, string factory, IReadOnlyList<string> terms)
    {
        w.Line($"public static global::FofaDsl.Methods.DistillationStep {factory}({Context} context) => new(");
        w.Line($"    {String(run.Label)}, context.RequireTeacher(), context.Student, CreateLossWeights(),");
        w.Line("    [");
        foreach (var term in terms) w.Line($"        {term},");
        w.Line("    ]);");
    }

    private static string Describe(IEnumerable<TermSpec> terms) =>
        string.Join(" plus ", terms.Select(t => $"{t.DisplayName} ({string.Join(", ", t.Settings.Select(s => s.Name + " " + s.Literal))})"));

    private static string TermExpression(TermSpec term)
    {
        var arguments = term.Constructor switch
        {
            TermConstructor.Models => "context.RequireTeacher(), context.Student, ",
            TermConstructor.ModelsAndSamples => "context.RequireTeacher(), context.Student, context.TrainingSamples, ",
            _ => "",
        };
        var settings = string.Join(", ", term.Settings.Select(s => $"{s.Name} = {s.Literal}"));
        return $"new {term.TermType}({arguments}new {term.OptionsType} {{ {settings} }})";
    }

    /// <summary>The factory method of <paramref name="run"/>: <c>Create&lt;Run&gt;Step</c>.</summary>
    public static string FactoryName(ExperimentSpec spec, RunSpec run) => "Create" + MemberNames(spec)[run.Name] + "Step";

    /// <summary>The settings factory of a FOFA <paramref name="run"/>: <c>Create&lt;Run&gt;Options</c>.</summary>
    public static string OptionsFactoryName(ExperimentSpec spec, RunSpec run) => "Create" + MemberNames(spec)[run.Name] + "Options";

    /// <summary>
    /// A FOFA run: its settings as <c>Create&lt;Run&gt;Options()</c>, then the factory of its step: the weighted cross-entropy,
    /// the logit KD of <c>[LossWeights]</c> (or the run's own <c>[Kd]</c>), the FOFA term and any other term the run declares.
    /// </summary>
    private static void EmitFofaRun(SourceWriter w, ExperimentSpec spec, RunSpec run, string name)
    {
        var fofa = run.Fofa!;
        w.Line($"/// <summary>The settings of the <c>{Xml(run.Name)}</c> run ({Xml(run.DisplayName)}).</summary>");
        w.Line($"public static global::FofaDsl.Methods.Fofa.FofaOptions Create{name}Options() => new()");
        w.Line("{");
        w.Line($"    Queries = {Int(fofa.Queries)},");
        w.Line($"    TokenWidth = {Int(fofa.TokenWidth)},");
        w.Line($"    Heads = {Int(fofa.Heads)},");
        w.Line($"    PromptStages = {IntArray(fofa.PromptStages)},");
        w.Line($"    UseRegionAwareAttention = {Bool(fofa.RegionAwareAttention)},");
        w.Line($"    UsePrompts = {Bool(fofa.Prompts)},");
        w.Line($"    UseFeedback = {Bool(fofa.Feedback)},");
        w.Line($"    ReferenceCodeQuirks = {Bool(fofa.ReferenceCodeQuirks)},");
        // Emitted only when declared, so the generated code of experiments without them reads as before.
        if (fofa.FeatureWeight is { } featureWeight) w.Line($"    FeatureWeight = {Literals.Double(featureWeight)},");
        if (fofa.FeatureWarmupEpochs > 0) w.Line($"    FeatureWarmupEpochs = {Int(fofa.FeatureWarmupEpochs)},");
        if (!fofa.RecomputeTeacher) w.Line("    RecomputeTeacher = false,");
        w.Line("};");
        w.Line();

        var declaredKd = run.Terms.FirstOrDefault(t => t.Kind == MethodCatalog.Kd);
        var terms = new List<string>();
        if (declaredKd is not null) terms.Add(TermExpression(declaredKd));
        else if (spec.Weights.LogitKd > 0) terms.Add("new global::FofaDsl.Methods.Kd.KdTerm(new global::FofaDsl.Methods.Kd.KdOptions { Weight = Spec.LogitKdWeight, Temperature = Spec.Temperature })");
        terms.Add($"new global::FofaDsl.Methods.Fofa.FofaTerm(context.RequireTeacher(), context.Student, Create{name}Options(), CreateLossWeights())");
        var others = run.Terms.Where(t => t.Kind != MethodCatalog.Kd).ToList();
        terms.AddRange(others.Select(TermExpression));

        var kd = declaredKd is not null ? $"its own {Describe(new[] { declaredKd })}" : spec.Weights.LogitKd > 0 ? "the logit KD of the declared loss weights" : "no logit KD (its weight is 0)";
        var extra = others.Count > 0 ? $", plus {Describe(others)}" : "";
        w.Line($"/// <summary>The <c>{Xml(run.Name)}</c> run ({Xml(run.DisplayName)}): the weighted cross-entropy, {Xml(kd)} and FOFA ({Xml(DescribeFofa(fofa))}){Xml(extra)}.</summary>");
        EmitStep(w, run, $"Create{name}Step", terms);
    }

    /// <summary>A FOFA run's settings in words.</summary>
    private static string DescribeFofa(FofaSpec fofa)
    {
        var parts = new List<string>
        {
            fofa.RegionAwareAttention ? $"RAA with {Int(fofa.Grid)}x{Int(fofa.Grid)} queries per stage, width {Int(fofa.TokenWidth)}" : $"no RAA, width {Int(fofa.TokenWidth)}",
            fofa.HasPrompts ? $"prompts before {fofa.StageList}{(fofa.Feedback ? " with feedback" : " without feedback")}" : "no prompts",
        };
        if (fofa.ReferenceCodeQuirks) parts.Add("reference-code quirks");
        return string.Join("; ", parts);
    }

    /// <summary>
    /// The member-name stem of every run (<c>kd+fitnet</c>: <c>KdFitnet</c>), made unique in declaration
    /// order (run names that differ only in punctuation get a suffix).
    /// </summary>
    private static Dictionary<string, string> MemberNames(ExperimentSpec spec)
    {
        var names = new Dictionary<string, string>();
        var used = new HashSet<string>();
        foreach (var run in spec.Runs)
        {
            var baseName = Pascal(run.Name);
            var name = baseName;
            for (var i = 2; !used.Add(name); i++) name = baseName + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            names[run.Name] = name;
        }
        return names;
    }

    private static string Pascal(string runName)
    {
        var words = runName.Split(new[] { '+', '-', '_' }, System.StringSplitOptions.RemoveEmptyEntries);
        var text = string.Concat(words.Select(word => char.ToUpperInvariant(word[0]) + word.Substring(1)));
        return text.Length == 0 || char.IsDigit(text[0]) ? "Run" + text : text;
    }
}
