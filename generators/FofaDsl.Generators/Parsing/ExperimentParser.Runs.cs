using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using FofaDsl.Generators.Diagnostics;
using FofaDsl.Generators.Emitting;
using FofaDsl.Generators.Model;
using Microsoft.CodeAnalysis;

namespace FofaDsl.Generators.Parsing;

/// <summary>The experiment's runs: [Scratch], [Fofa] and the loss-term methods, combined by run name.</summary>
internal sealed partial class ExperimentParser
{
    /// <summary>Where the teacher and student are declared: diagnostics about a default (undeclared) FOFA run point there.</summary>
    private sealed record ModelLocations(LocationInfo? Teacher, LocationInfo? Student);

    /// <summary>A run while its methods are read: it collects its terms, and a run with a <c>[Fofa]</c> carries FOFA's settings.</summary>
    private sealed class RunDraft(string name, RunKind kind, LocationInfo? location, FofaSpec? fofa = null)
    {
        public string Name { get; } = name;
        public RunKind Kind { get; set; } = kind;
        public LocationInfo? Location { get; } = location;
        public FofaSpec? Fofa { get; set; } = fofa;
        public List<TermSpec> Terms { get; } = new();
    }

    /// <summary>
    /// The experiment's runs in declaration order: [Scratch], each [Fofa] (one run per attribute, for
    /// ablations), and the loss-term methods, those sharing a Run name combined into one run (a FOFA run
    /// takes other terms too). No method at all: scratch, kd and fofa (scratch without a teacher).
    /// </summary>
    private List<RunSpec> ParseRuns(INamedTypeSymbol type, ModelSpec? teacher, ModelSpec? student, bool hasTeacher, LossWeightsSpec weights, string experimentName, ModelLocations locations, int epochs)
    {
        var runs = new List<RunDraft>();
        var anyMethod = false;

        int IndexOf(string run) => runs.FindIndex(r => r.Name == run);
        bool TryAdd(RunDraft run, string display)
        {
            anyMethod = true;
            if (IndexOf(run.Name) >= 0) { Report(DiagnosticCatalog.RunConflict, run.Location, display, run.Name, "another method already uses that run name"); return false; }
            if (!hasTeacher && run.Kind != RunKind.Scratch) Report(DiagnosticCatalog.TeacherMissing, run.Location, experimentName, display);
            runs.Add(run);
            return true;
        }

        foreach (var attribute in type.GetAttributes())
        {
            cancellation.ThrowIfCancellationRequested();
            var metadataName = attribute.AttributeClass?.ToDisplayString();
            if (metadataName == AttributeNames.Scratch) TryAdd(new RunDraft("scratch", RunKind.Scratch, new AttributeReader(attribute, cancellation).Location), "Scratch");
            else if (metadataName == AttributeNames.Fofa)
            {
                var reader = new AttributeReader(attribute, cancellation);
                if (RunName(reader, "fofa") is not { } run) { anyMethod = true; continue; }
                var index = IndexOf(run);
                if (index >= 0 && runs[index].Kind == RunKind.Terms)
                {
                    // FOFA joins the terms already declared under this run name.
                    anyMethod = true;
                    if (!hasTeacher) Report(DiagnosticCatalog.TeacherMissing, reader.Location, experimentName, "FOFA");
                    runs[index].Kind = RunKind.Fofa;
                    runs[index].Fofa = ParseFofa(reader, teacher, student, locations);
                }
                else if (index >= 0)
                {
                    anyMethod = true;
                    Report(DiagnosticCatalog.RunConflict, reader.LocationOf("Run"), "FOFA", run,
                        runs[index].Kind == RunKind.Fofa ? "the run already has a FOFA term (an ablation needs its own Run name)" : "'scratch' trains without a teacher and takes no terms");
                }
                else TryAdd(new RunDraft(run, RunKind.Fofa, reader.Location, ParseFofa(reader, teacher, student, locations)), "FOFA");
            }
            else if (MethodCatalog.FromAttribute(metadataName) is { } method)
            {
                anyMethod = true;
                var reader = new AttributeReader(attribute, cancellation);
                if (RunName(reader, method.Kind) is not { } run) continue;
                if (!hasTeacher) Report(DiagnosticCatalog.TeacherMissing, reader.Location, experimentName, method.DisplayName);
                var term = ParseTerm(method, reader, epochs);
                var index = IndexOf(run);
                if (index < 0)
                {
                    var draft = new RunDraft(run, RunKind.Terms, reader.Location);
                    draft.Terms.Add(term);
                    runs.Add(draft);
                }
                else if (runs[index].Kind == RunKind.Scratch)
                    Report(DiagnosticCatalog.RunConflict, reader.LocationOf("Run"), method.DisplayName, run, $"'{run}' is the Scratch run, which trains without a teacher and takes no terms");
                else if (runs[index].Terms.Any(t => t.Kind == method.Kind))
                    Report(DiagnosticCatalog.RunConflict, reader.Location, method.DisplayName, run, $"the run already has a {method.DisplayName} term");
                else runs[index].Terms.Add(term);
            }
        }

        if (!anyMethod)
        {
            runs.Add(new RunDraft("scratch", RunKind.Scratch, null));
            if (hasTeacher)
            {
                var kd = new RunDraft("kd", RunKind.Terms, null);
                kd.Terms.Add(DefaultTerm(MethodCatalog.Terms[0]));
                runs.Add(kd);
                runs.Add(new RunDraft("fofa", RunKind.Fofa, null, ParseFofa(null, teacher, student, locations)));
            }
        }

        foreach (var run in runs.Where(r => r.Kind == RunKind.Terms && weights.CrossEntropy == 0))
        {
            if (run.Terms.All(t => t.Settings.All(s => !IsWeightSetting(t.Kind, s.Name) || s.Value == 0)))
                Report(DiagnosticCatalog.RunTrainsNothing, run.Location, run.Name);
        }

        var firstFofa = runs.FirstOrDefault(r => r.Kind == RunKind.Fofa)?.Fofa;
        return runs.Select(r => new RunSpec(r.Name, Describe(r, firstFofa), r.Kind, new EquatableArray<TermSpec>(r.Terms), r.Fofa)).ToList();
    }

    /// <summary>
    /// What a run is, said against the full method: <c>Scratch</c>, <c>Logit KD</c>, <c>FOFA without prompts</c>,
    /// <c>FOFA</c>, <c>FOFA + FitNet</c> (see <see cref="RunSpec.Label"/>).
    /// </summary>
    private static string Describe(RunDraft run, FofaSpec? firstFofa)
    {
        return run.Kind switch
        {
            RunKind.Scratch => "Scratch",
            RunKind.Fofa => string.Join(" + ", new[] { run.Fofa is { } fofa ? fofa.Describe(firstFofa ?? fofa) : "FOFA" }.Concat(run.Terms.Select(t => t.DisplayName))),
            _ => string.Join(" + ", run.Terms.Select(t => t.DisplayName)),
        };
    }

    /// <summary>The run name of a method attribute (its Run argument, else <paramref name="fallback"/>), or null after reporting an invalid one.</summary>
    private string? RunName(AttributeReader reader, string fallback)
    {
        var run = reader.String("Run", null) ?? fallback;
        if (IsRunName(run)) return run;
        Report(DiagnosticCatalog.ValueOutOfRange, reader.LocationOf("Run"), "Run", Literals.String(run), "run names use lower-case letters, digits, '+', '-' and '_' (they name files and --methods values)");
        return null;
    }

    private static bool IsWeightSetting(string kind, string setting) =>
        MethodCatalog.Terms.First(m => m.Kind == kind).Settings.Any(s => s.Name == setting && s.IsWeight);

    private static bool IsRunName(string run) =>
        run.Length > 0 && run.Length <= 64 && run.All(c => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c is '+' or '-' or '_');

    private static TermSpec DefaultTerm(MethodInfo method) => new(method.Kind, method.DisplayName, method.TermType, method.OptionsType, method.Constructor,
        new EquatableArray<SettingSpec>(method.Settings.Select(s => new SettingSpec(s.Name, DefaultLiteral(s), s.Default)).ToArray()));

    private static string DefaultLiteral(Setting setting) => setting.Rule switch
    {
        SettingRule.Count => Literals.Int((int)setting.Default),
        SettingRule.Stages => "[1, 2, 3, 4]",
        SettingRule.Flag => "false",
        _ => Literals.Double(setting.Default),
    };

    /// <summary>A term's settings, each validated at its argument; an invalid one keeps its default so the rest is still checked.</summary>
    private TermSpec ParseTerm(MethodInfo method, AttributeReader reader, int epochs)
    {
        var settings = new List<SettingSpec>();
        foreach (var setting in method.Settings)
        {
            var literal = DefaultLiteral(setting);
            var number = setting.Default;
            var location = reader.LocationOf(setting.Name);
            switch (setting.Rule)
            {
                case SettingRule.Weight or SettingRule.Positive or SettingRule.Fraction:
                    var value = reader.Double(setting.Name, setting.Default);
                    var problem = setting.Rule switch
                    {
                        SettingRule.Weight when double.IsNaN(value) || double.IsInfinity(value) || value < 0 => "weights are finite and non-negative",
                        SettingRule.Positive when !(value > 0) || double.IsInfinity(value) => "it must be a positive finite number",
                        SettingRule.Fraction when !(value >= 0 && value < 1) => "it lies in [0, 1)",
                        _ => null,
                    };
                    if (problem is null) (literal, number) = (Literals.Double(value), value);
                    else Report(DiagnosticCatalog.ValueOutOfRange, location, $"{method.DisplayName} {setting.Name}", value.ToString(CultureInfo.InvariantCulture), problem);
                    break;
                case SettingRule.Count:
                    var count = reader.Int(setting.Name, (int)setting.Default);
                    if (count >= setting.Minimum && count <= setting.Maximum) (literal, number) = (Literals.Int(count), count);
                    else Report(DiagnosticCatalog.ValueOutOfRange, location, $"{method.DisplayName} {setting.Name}", count, $"use a value from {setting.Minimum} to {setting.Maximum}");
                    if (setting.IsEpochCount && count > epochs && count <= setting.Maximum)
                        Report(DiagnosticCatalog.WarmupLongerThanTraining, location, $"{method.DisplayName} {setting.Name}", count, epochs);
                    break;
                case SettingRule.Stages:
                    var stages = reader.IntArray(setting.Name) ?? ImmutableArray.Create(1, 2, 3, 4);
                    var stageProblem = stages.Length == 0 ? "list at least one stage"
                        : stages.Any(st => st < 1 || st > 4) ? "stages are numbered 1 to 4"
                        : stages.Distinct().Count() != stages.Length ? "each stage is listed once" : null;
                    if (stageProblem is null) literal = Literals.IntArray(new EquatableArray<int>(stages));
                    else Report(DiagnosticCatalog.ValueOutOfRange, location, $"{method.DisplayName} {setting.Name}",
                        "{" + string.Join(", ", stages.Select(st => st == int.MinValue ? "?" : st.ToString(CultureInfo.InvariantCulture))) + "}", stageProblem);
                    break;
                default:
                    literal = Literals.Bool(reader.Bool(setting.Name, false));
                    break;
            }
            settings.Add(new SettingSpec(setting.Name, literal, number));
        }
        return new TermSpec(method.Kind, method.DisplayName, method.TermType, method.OptionsType, method.Constructor, new EquatableArray<SettingSpec>(settings));
    }
}
