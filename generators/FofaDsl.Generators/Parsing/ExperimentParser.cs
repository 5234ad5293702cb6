using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using FofaDsl.Generators.Diagnostics;
using FofaDsl.Generators.Emitting;
using FofaDsl.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FofaDsl.Generators.Parsing;

/// <summary>
/// Turns one <c>[Experiment]</c> class into an <see cref="ExperimentSpec"/>: reads every DSL
/// attribute, resolves defaults, computes both models' stage shapes and validates the graph.
/// Every problem becomes a diagnostic at the offending argument; nothing here throws on bad input.
/// </summary>
internal sealed class ExperimentParser
{
    private readonly List<DiagnosticInfo> diagnostics = new();
    private readonly Compilation compilation;
    private readonly CancellationToken cancellation;

    private ExperimentParser(Compilation compilation, CancellationToken cancellation)
    {
        this.compilation = compilation;
        this.cancellation = cancellation;
    }

    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
    {
        var parser = new ExperimentParser(context.SemanticModel.Compilation, cancellation);
        ExperimentSpec? spec = null;
        try
        {
            spec = parser.ParseClass((INamedTypeSymbol)context.TargetSymbol, (ClassDeclarationSyntax)context.TargetNode, context.Attributes[0]);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            // A generator that throws takes down every generated file of the project; report instead.
            parser.Report(DiagnosticCatalog.InternalError, LocationInfo.From(context.TargetNode), context.TargetSymbol.Name, e.GetType().Name + ": " + e.Message);
        }

        var hasErrors = parser.diagnostics.Any(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error);
        return new ParseResult(hasErrors ? null : spec, new EquatableArray<DiagnosticInfo>(parser.diagnostics));
    }

    private ExperimentSpec? ParseClass(INamedTypeSymbol type, ClassDeclarationSyntax declaration, AttributeData experimentAttribute)
    {
        var identifier = LocationInfo.From(declaration.Identifier.GetLocation());
        if (!type.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellation) is ClassDeclarationSyntax c && c.Modifiers.Any(SyntaxKind.PartialKeyword)))
            Report(DiagnosticCatalog.ClassNotPartial, identifier, type.Name);
        if (type.ContainingType is not null) Report(DiagnosticCatalog.UnsupportedClassShape, identifier, type.Name, "nested in " + type.ContainingType.Name);
        if (type.IsGenericType) Report(DiagnosticCatalog.UnsupportedClassShape, identifier, type.Name, "generic");

        var experiment = new AttributeReader(experimentAttribute, cancellation);
        var name = experiment.String("Name", null) ?? type.Name;
        var seed = experiment.Int("Seed", 0);
        if (seed < 0) Report(DiagnosticCatalog.ValueOutOfRange, experiment.LocationOf("Seed"), "Seed", seed, "seeds are non-negative");

        var device = experiment.String("Device", "auto") ?? "auto";
        if (!IsDevice(device))
            Report(DiagnosticCatalog.ValueOutOfRange, experiment.LocationOf("Device"), "Device", Literals.String(device), "use auto, cpu, cuda or cuda:N");
        var output = experiment.String("Output", null);
        if (output is { Length: 0 }) Report(DiagnosticCatalog.ValueOutOfRange, experiment.LocationOf("Output"), "Output", "\"\"", "give a folder, or leave it unset for runs/<Name>");
        var checkpointEvery = experiment.Int("CheckpointEverySteps", 0);
        if (checkpointEvery < 0)
            Report(DiagnosticCatalog.ValueOutOfRange, experiment.LocationOf("CheckpointEverySteps"), "CheckpointEverySteps", checkpointEvery, "use 0 (epoch ends only) or a positive step count");

        var data = ParseData(Find(type, AttributeNames.Data));
        var teacherAttribute = Find(type, AttributeNames.Teacher);
        var studentAttribute = Find(type, AttributeNames.Student);
        if (studentAttribute is null) Report(DiagnosticCatalog.StudentMissing, identifier, type.Name);
        var taps = ReadTaps(type);
        if (teacherAttribute is null)
        {
            foreach (var tap in taps.Where(t => t.Role == "Teacher"))
                Report(DiagnosticCatalog.TapsIncomplete, tap.Reader.Location, "the teacher", "the experiment declares no teacher to tap");
        }
        var teacher = teacherAttribute is null ? null : ParseModel("Teacher", teacherAttribute, data, taps);
        var student = studentAttribute is null ? null : ParseModel("Student", studentAttribute, data, taps);

        var weights = ParseWeights(Find(type, AttributeNames.LossWeights), name);
        var runs = ParseRuns(type, teacherAttribute is not null, weights, name);
        var fofaAttribute = Find(type, AttributeNames.Fofa);
        var fofa = ParseFofa(fofaAttribute, student, runs.Any(r => r.Kind == RunKind.Fofa), studentAttribute?.Location ?? identifier);
        if (fofa is not null && teacher is { IsTapped: true } && runs.Any(r => r.Kind == RunKind.Fofa) && fofa.Prompts && fofa.PromptStages.Count > 0)
            Report(DiagnosticCatalog.PromptsNeedStagedTeacher, fofaAttribute?.LocationOf("Prompts") ?? teacherAttribute?.Location, string.Join(", ", fofa.PromptStages), teacher.Architecture);
        var schedule = ParseSchedule(Find(type, AttributeNames.Schedule));

        if (student is null || fofa is null || (teacher is null && teacherAttribute is not null)) return null;
        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
        return new ExperimentSpec(ns, type.Name, name, seed, teacher, student, fofa, weights, schedule, data,
            new EquatableArray<RunSpec>(runs), device, output, checkpointEvery);
    }

    private static bool IsDevice(string device) =>
        device is "auto" or "cpu" or "cuda"
        || (device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device.Substring(5), NumberStyles.None, CultureInfo.InvariantCulture, out _));

    /// <summary>
    /// The experiment's runs in declaration order: [Scratch], [Fofa], and the loss-term methods, those
    /// sharing a Run name combined into one run. No method at all: scratch, kd and fofa (scratch without a teacher).
    /// </summary>
    private List<RunSpec> ParseRuns(INamedTypeSymbol type, bool hasTeacher, LossWeightsSpec weights, string experimentName)
    {
        var runs = new List<(string Name, RunKind Kind, List<TermSpec> Terms, LocationInfo? Location)>();
        var anyMethod = false;

        int IndexOf(string run) => runs.FindIndex(r => r.Name == run);
        void AddSingle(string run, RunKind kind, string display, LocationInfo? location)
        {
            anyMethod = true;
            if (IndexOf(run) >= 0) { Report(DiagnosticCatalog.RunConflict, location, display, run, "another method already uses that run name"); return; }
            if (!hasTeacher && kind != RunKind.Scratch) Report(DiagnosticCatalog.TeacherMissing, location, experimentName, display);
            runs.Add((run, kind, new List<TermSpec>(), location));
        }

        foreach (var attribute in type.GetAttributes())
        {
            cancellation.ThrowIfCancellationRequested();
            var metadataName = attribute.AttributeClass?.ToDisplayString();
            if (metadataName == AttributeNames.Scratch) AddSingle("scratch", RunKind.Scratch, "Scratch", new AttributeReader(attribute, cancellation).Location);
            else if (metadataName == AttributeNames.Fofa) AddSingle("fofa", RunKind.Fofa, "FOFA", new AttributeReader(attribute, cancellation).Location);
            else if (MethodCatalog.FromAttribute(metadataName) is { } method)
            {
                anyMethod = true;
                var reader = new AttributeReader(attribute, cancellation);
                var run = reader.String("Run", null) ?? method.Kind;
                if (!IsRunName(run))
                {
                    Report(DiagnosticCatalog.ValueOutOfRange, reader.LocationOf("Run"), "Run", Literals.String(run), "run names use lower-case letters, digits, '+', '-' and '_' (they name files and --methods values)");
                    continue;
                }
                if (!hasTeacher) Report(DiagnosticCatalog.TeacherMissing, reader.Location, experimentName, method.DisplayName);
                var term = ParseTerm(method, reader);
                var index = IndexOf(run);
                if (index < 0) runs.Add((run, RunKind.Terms, new List<TermSpec> { term }, reader.Location));
                else if (runs[index].Kind != RunKind.Terms)
                    Report(DiagnosticCatalog.RunConflict, reader.LocationOf("Run"), method.DisplayName, run, $"'{run}' is the {(runs[index].Kind == RunKind.Fofa ? "FOFA" : "Scratch")} run, which takes no other terms");
                else if (runs[index].Terms.Any(t => t.Kind == method.Kind))
                    Report(DiagnosticCatalog.RunConflict, reader.Location, method.DisplayName, run, $"the run already has a {method.DisplayName} term");
                else runs[index].Terms.Add(term);
            }
        }

        if (!anyMethod)
        {
            runs.Add(("scratch", RunKind.Scratch, new List<TermSpec>(), null));
            if (hasTeacher)
            {
                runs.Add(("kd", RunKind.Terms, new List<TermSpec> { DefaultTerm(MethodCatalog.Terms[0]) }, null));
                runs.Add(("fofa", RunKind.Fofa, new List<TermSpec>(), null));
            }
        }

        foreach (var run in runs.Where(r => r.Kind == RunKind.Terms && weights.CrossEntropy == 0))
        {
            if (run.Terms.All(t => t.Settings.All(s => !IsWeightSetting(t.Kind, s.Name) || s.Literal is "0.0" or "-0.0")))
                Report(DiagnosticCatalog.RunTrainsNothing, run.Location, run.Name);
        }

        return runs.Select(r => new RunSpec(r.Name, r.Kind switch
        {
            RunKind.Scratch => "Scratch",
            RunKind.Fofa => "FOFA",
            _ => string.Join(" + ", r.Terms.Select(t => t.DisplayName)),
        }, r.Kind, new EquatableArray<TermSpec>(r.Terms))).ToList();
    }

    private static bool IsWeightSetting(string kind, string setting) =>
        MethodCatalog.Terms.First(m => m.Kind == kind).Settings.Any(s => s.Name == setting && s.IsWeight);

    private static bool IsRunName(string run) =>
        run.Length > 0 && run.Length <= 64 && run.All(c => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c is '+' or '-' or '_');

    private static TermSpec DefaultTerm(MethodInfo method) => new(method.Kind, method.DisplayName, method.TermType, method.OptionsType, method.Constructor,
        new EquatableArray<SettingSpec>(method.Settings.Select(s => new SettingSpec(s.Name, DefaultLiteral(s))).ToArray()));

    private static string DefaultLiteral(Setting setting) => setting.Rule switch
    {
        SettingRule.Count => Literals.Int((int)setting.Default),
        SettingRule.Stages => "[1, 2, 3, 4]",
        SettingRule.Flag => "false",
        _ => Literals.Double(setting.Default),
    };

    /// <summary>A term's settings, each validated at its argument; an invalid one keeps its default so the rest is still checked.</summary>
    private TermSpec ParseTerm(MethodInfo method, AttributeReader reader)
    {
        var settings = new List<SettingSpec>();
        foreach (var setting in method.Settings)
        {
            var literal = DefaultLiteral(setting);
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
                    if (problem is null) literal = Literals.Double(value);
                    else Report(DiagnosticCatalog.ValueOutOfRange, location, $"{method.DisplayName} {setting.Name}", value.ToString(CultureInfo.InvariantCulture), problem);
                    break;
                case SettingRule.Count:
                    var count = reader.Int(setting.Name, (int)setting.Default);
                    if (count >= 1 && count <= setting.Maximum) literal = Literals.Int(count);
                    else Report(DiagnosticCatalog.ValueOutOfRange, location, $"{method.DisplayName} {setting.Name}", count, $"use a value from 1 to {setting.Maximum}");
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
            settings.Add(new SettingSpec(setting.Name, literal));
        }
        return new TermSpec(method.Kind, method.DisplayName, method.TermType, method.OptionsType, method.Constructor, new EquatableArray<SettingSpec>(settings));
    }

    private AttributeReader? Find(INamedTypeSymbol type, string metadataName)
    {
        foreach (var attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == metadataName) return new AttributeReader(attribute, cancellation);
        }
        return null;
    }

    private DataSpec ParseData(AttributeReader? data)
    {
        var dataset = DatasetCatalog.FashionMnist;
        string? path = null;
        var trainLimit = 0;
        var classes = dataset.Classes;
        var imageSize = dataset.ImageSize;
        if (data is not null)
        {
            if (data.ConstructorInt(0) is { } kind)
            {
                if (DatasetCatalog.FromValue(kind) is { } known) dataset = known;
                else Report(DiagnosticCatalog.UnknownEnumValue, data.LocationOfConstructorArgument(0), "DatasetKind", kind);
            }
            classes = dataset.Classes;
            imageSize = dataset.ImageSize;
            var declaredClasses = data.Int("Classes", 0);
            if (dataset.Classes == 0 && declaredClasses <= 0)
                Report(DiagnosticCatalog.ValueOutOfRange, data.LocationOf("Classes"), "Classes", declaredClasses, $"{dataset.Name} needs the class count of its folders, e.g. Classes = 100");
            else if (dataset.Classes > 0 && data.Has("Classes") && declaredClasses != dataset.Classes)
                Report(DiagnosticCatalog.ValueOutOfRange, data.LocationOf("Classes"), "Classes", declaredClasses, $"{dataset.Name} has {dataset.Classes} classes");
            else if (dataset.Classes == 0) classes = declaredClasses;
            if (dataset.NeedsPath && data.String("Path", null) is null)
                Report(DiagnosticCatalog.ValueOutOfRange, data.Location, "Path", "null", $"{dataset.Name} is not embedded: give its folder with Path = \"...\" (or pass --data at run time)");
            var declaredSize = data.Int("ImageSize", 0);
            if (declaredSize < 0 || declaredSize > 4096)
                Report(DiagnosticCatalog.ValueOutOfRange, data.LocationOf("ImageSize"), "ImageSize", declaredSize, "use 0 for the dataset's own size, or a side length from 1 to 4096");
            else if (declaredSize > 0) imageSize = declaredSize;
            path = data.String("Path", null);
            trainLimit = data.Int("TrainLimit", 0);
            if (trainLimit < 0) Report(DiagnosticCatalog.ValueOutOfRange, data.LocationOf("TrainLimit"), "TrainLimit", trainLimit, "use 0 for all images or a positive count");
        }
        var augmentation = "Flip";
        if (data?.Has("Augmentation") == true)
        {
            var value = data.Int("Augmentation", 0);
            string[] names = { "Flip", "None", "CnnRecipe", "VitRecipe" };
            if (value >= 0 && value < names.Length) augmentation = names[value];
            else Report(DiagnosticCatalog.UnknownEnumValue, data.LocationOf("Augmentation"), "AugmentationKind", value);
        }
        return new DataSpec(dataset.Name, path, imageSize, trainLimit, dataset.Channels, classes, augmentation);
    }

    /// <summary>One [Tap] as declared: which model, stage and member, and the member's output geometry.</summary>
    private sealed record TapDeclaration(AttributeReader Reader, string Role, int Stage, string? Member);

    private List<TapDeclaration> ReadTaps(INamedTypeSymbol type)
    {
        var taps = new List<TapDeclaration>();
        foreach (var attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() != AttributeNames.Tap) continue;
            var reader = new AttributeReader(attribute, cancellation);
            var role = reader.ConstructorInt(0) == 0 ? "Teacher" : "Student";
            var stage = reader.ConstructorInt(1) ?? 0;
            var member = attribute.ConstructorArguments.Length > 2 ? attribute.ConstructorArguments[2].Value as string : null;
            taps.Add(new TapDeclaration(reader, role, stage, member));
        }
        return taps;
    }

    private ModelSpec? ParseModel(string role, AttributeReader model, DataSpec data, List<TapDeclaration> allTaps)
    {
        var taps = allTaps.Where(t => t.Role == role).ToList();
        if (!CheckDeclaredCounts(role, model, data)) return null;
        if (model.ConstructorType(0) is { } customType)
        {
            return taps.Count > 0 || !DerivesFrom(customType, "FofaDsl.Backbones.StagedBackbone") && IsTensorModule(customType)
                ? ParseTappedModel(role, model, customType, data, taps)
                : ParseCustomModel(role, model, customType, data);
        }
        foreach (var tap in taps)
            Report(DiagnosticCatalog.TapsIncomplete, tap.Reader.Location, $"the {role.ToLowerInvariant()}", "it is a built-in architecture, which declares its stages itself");
        if (taps.Count > 0) return null;

        var architectureValue = model.ConstructorInt(0);
        if (architectureValue is null) return null; // the compiler reports the missing or mistyped argument
        var info = ArchitectureCatalog.FromValue(architectureValue.Value);
        if (info is null)
        {
            Report(DiagnosticCatalog.UnknownEnumValue, model.LocationOfConstructorArgument(0), "Architecture", architectureValue.Value);
            return null;
        }

        var valid = CheckKnobs(role, model, info.Name, info.Knobs);
        var stem = model.Int("Stem", 0) == 1 ? "Cifar" : Defaults.Stem;
        var baseWidth = Positive(model, "BaseWidth", info.BaseWidth, 4096, ref valid);
        var patch = Positive(model, "PatchSize", info.PatchSize, 1024, ref valid);
        var embed = Positive(model, "EmbedDim", info.EmbedDim, 65536, ref valid);
        var depth = Positive(model, "Depth", info.Depth, 1024, ref valid);
        var heads = Positive(model, "Heads", info.Heads, 1024, ref valid);
        var window = Positive(model, "WindowSize", info.WindowSize, 1024, ref valid);
        var size = data.ImageSize;
        var subject = $"{role} {info.Name}";

        if ((info.Family is ModelFamily.VisionTransformer or ModelFamily.MlpMixer or ModelFamily.ResMlp) && depth > 0 && depth < 4)
        {
            Report(DiagnosticCatalog.ValueOutOfRange, model.LocationOf("Depth"), "Depth", depth, "the model needs at least 4 blocks, one per stage");
            valid = false;
        }
        if (info.Family == ModelFamily.VisionTransformer && heads > 0 && embed > 0 && embed % heads != 0)
        {
            Report(DiagnosticCatalog.HeadsDoNotDivideWidth, model.LocationOf("Heads"), subject, embed, heads);
            valid = false;
        }
        if (info.Family == ModelFamily.Swin && embed > 0 && heads > 0 && embed % heads != 0)
        {
            Report(DiagnosticCatalog.HeadsDoNotDivideWidth, model.LocationOf("EmbedDim"), subject, embed, heads);
            valid = false;
        }

        var runtimeType = compilation.GetTypeByMetadataName(info.RuntimeMetadataName);
        var declaration = runtimeType is null ? null : StageShapes.Read(runtimeType);
        if (declaration is null || StageShapes.Problem(declaration) is not null)
        {
            // Only a FofaDsl assembly that does not match this generator gets here.
            Report(DiagnosticCatalog.StageGeometryMissing, model.LocationOfConstructorArgument(0), info.RuntimeMetadataName,
                declaration is null ? "it has no [StageGeometry]" : StageShapes.Problem(declaration)!);
            return null;
        }

        var divisor = info.Family == ModelFamily.ResNet && stem == "Cifar" ? 4 : 1;
        valid &= CheckDivisible(subject, model, declaration, size, patch, divisor);
        if (valid && info.Family == ModelFamily.Swin) valid = CheckWindows(subject, model, size / patch, window);
        if (!valid) return null;

        var (stemShape, stages) = StageShapes.Evaluate(declaration, size, info.Width(baseWidth, embed), patch, divisor);
        return new ModelSpec(role, info.Name, info.Family, "global::" + info.RuntimeMetadataName, size, data.InputChannels, data.Classes,
            info.Family == ModelFamily.ResNet ? stem : "", baseWidth, patch, embed, depth, heads, window, model.String("Weights", null),
            stemShape, new EquatableArray<StageShape>(stages));
    }

    /// <summary>Classes and InputChannels declared on a model must be the data's.</summary>
    private bool CheckDeclaredCounts(string role, AttributeReader model, DataSpec data)
    {
        var valid = true;
        foreach (var (knob, actual, what) in new[] { ("Classes", data.Classes, "classes"), ("InputChannels", data.InputChannels, "image channels") })
        {
            if (!model.Has(knob)) continue;
            var declared = model.Int(knob, 0);
            if (declared < 0) { Report(DiagnosticCatalog.ValueOutOfRange, model.LocationOf(knob), knob, declared, "use 0 (the data's) or a positive count"); valid = false; }
            else if (declared > 0 && declared != actual)
            {
                Report(DiagnosticCatalog.ModelDataMismatch, model.LocationOf(knob), $"The {role.ToLowerInvariant()}", knob, declared, data.Dataset, $"{actual} {what}");
                valid = false;
            }
        }
        return valid;
    }

    /// <summary>
    /// A plain TorchSharp module whose four stages are [Tap]s on the experiment: each tap names a module
    /// member of the type, once; stage shapes come from the taps' geometry.
    /// </summary>
    private ModelSpec? ParseTappedModel(string role, AttributeReader model, INamedTypeSymbol type, DataSpec data, List<TapDeclaration> taps)
    {
        var location = model.LocationOfConstructorArgument(0);
        var name = type.ToDisplayString();
        var subject = role.ToLowerInvariant();
        var valid = CheckKnobs(role, model, name, new string[0]);
        if (DerivesFrom(type, "FofaDsl.Backbones.StagedBackbone") && StageShapes.Read(type) is not null)
        {
            foreach (var tap in taps)
                Report(DiagnosticCatalog.TapsIncomplete, tap.Reader.Location, $"the {subject}", $"'{type.Name}' declares its stages with [StageGeometry]; remove the taps or the attribute");
            return null;
        }
        if (!IsTensorModule(type))
        {
            Report(DiagnosticCatalog.ModelTypeNotBackbone, location, name, "not a TorchSharp nn.Module<Tensor, Tensor>, so it cannot be tapped");
            return null;
        }
        var standard = HasConstructor(type, 3);
        var parameterless = !standard && HasConstructor(type, 0);
        if (!standard && !parameterless)
        {
            Report(DiagnosticCatalog.ModelConstructorMissing, location, name);
            valid = false;
        }

        var members = new string?[4];
        var shapes = new StageShape?[4];
        foreach (var tap in taps)
        {
            if (tap.Stage < 1 || tap.Stage > 4)
            {
                Report(DiagnosticCatalog.ValueOutOfRange, tap.Reader.LocationOfConstructorArgument(1), "Stage", tap.Stage, "stages are numbered 1 to 4");
                valid = false;
                continue;
            }
            if (tap.Member is null) { valid = false; continue; } // the compiler reports the argument
            var memberLocation = tap.Reader.LocationOfConstructorArgument(2);
            var problem = TapMemberProblem(type, tap.Member);
            if (problem is not null)
            {
                Report(DiagnosticCatalog.TapMemberInvalid, memberLocation, subject, tap.Stage, problem);
                valid = false;
                continue;
            }
            var other = System.Array.IndexOf(members, tap.Member);
            if (other >= 0)
            {
                Report(DiagnosticCatalog.TapDeclaredTwice, memberLocation, "Member", $"'{tap.Member}' of the {subject}", $"as stages {other + 1} and {tap.Stage}");
                valid = false;
                continue;
            }
            if (members[tap.Stage - 1] is { } first)
            {
                Report(DiagnosticCatalog.TapDeclaredTwice, tap.Reader.LocationOfConstructorArgument(1), $"{role} stage", tap.Stage, $"by '{first}' and '{tap.Member}'");
                valid = false;
                continue;
            }
            members[tap.Stage - 1] = tap.Member;
            shapes[tap.Stage - 1] = TapShape(tap, role, data.ImageSize);
            if (shapes[tap.Stage - 1] is null) valid = false;
        }
        var missing = Enumerable.Range(1, 4).Where(stage => members[stage - 1] is null && !taps.Any(t => t.Stage == stage)).ToList();
        if (missing.Count > 0)
        {
            Report(DiagnosticCatalog.TapsIncomplete, location, $"'{type.Name}'", $"stage{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} {(missing.Count > 1 ? "have" : "has")} no [Tap(ModelRole.{role}, stage, nameof({type.Name}.member), ...)]");
            valid = false;
        }
        if (!valid) return null;

        var stages = shapes.Select(shape => shape!).ToArray();
        return new ModelSpec(role, type.Name, ModelFamily.Custom, $"global::FofaDsl.Backbones.TappedBackbone<{type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)}>",
            data.ImageSize, data.InputChannels, data.Classes, "", 0, 0, 0, 0, 0, 0, model.String("Weights", null), stages[0], new EquatableArray<StageShape>(stages),
            new TapSpec(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), parameterless, new EquatableArray<string>(members.Select(m => m!).ToArray())));
    }

    /// <summary>The stage shape a tap declares, or null after reporting why it has none.</summary>
    private StageShape? TapShape(TapDeclaration tap, string role, int imageSize)
    {
        var channels = tap.Reader.Int("Channels", 0);
        var stride = tap.Reader.Int("Stride", 0);
        var ok = true;
        if (channels <= 0) { Report(DiagnosticCatalog.ValueOutOfRange, tap.Reader.LocationOf("Channels"), "Channels", channels, $"give the channels (token width) of {role.ToLowerInvariant()} stage {tap.Stage}, a positive number"); ok = false; }
        if (stride <= 0) { Report(DiagnosticCatalog.ValueOutOfRange, tap.Reader.LocationOf("Stride"), "Stride", stride, $"give the total stride of {role.ToLowerInvariant()} stage {tap.Stage} (input pixels per output position), a positive number"); ok = false; }
        if (!ok) return null;
        var roundDown = tap.Reader.Bool("RoundDown", false);
        if (roundDown && imageSize % stride != 0)
        {
            Report(DiagnosticCatalog.ImageNotDivisible, tap.Reader.LocationOf("Stride"), $"{role} stage {tap.Stage}", imageSize, stride, "its stride (RoundDown)");
            return null;
        }
        var side = roundDown ? imageSize / stride : (imageSize + stride - 1) / stride;
        return tap.Reader.Int("Layout", 0) == 1
            ? StageShape.Tokens(channels, side, side, tap.Reader.Bool("ClassToken", false))
            : StageShape.Spatial(channels, side, side);
    }

    /// <summary>Why <paramref name="member"/> cannot be tapped on <paramref name="type"/>, or null.</summary>
    private static string? TapMemberProblem(INamedTypeSymbol type, string member)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var symbol in current.GetMembers(member))
            {
                var memberType = symbol switch { IFieldSymbol f => f.Type, IPropertySymbol p => p.Type, _ => null };
                if (memberType is null) return $"'{member}' of '{type.Name}' is a {symbol.Kind.ToString().ToLowerInvariant()}, not a field or property holding a module";
                if (symbol.IsStatic) return $"'{member}' of '{type.Name}' is static; tap an instance member";
                if (memberType is not INamedTypeSymbol named || !IsTensorModule(named))
                    return $"'{member}' of '{type.Name}' is a {memberType.ToDisplayString()}, not an nn.Module<Tensor, Tensor>";
                return null;
            }
        }
        return $"'{type.Name}' has no field or property '{member}'";
    }

    /// <summary>Whether the type is (or derives from) TorchSharp's nn.Module&lt;Tensor, Tensor&gt;, whose call runs forward hooks.</summary>
    private static bool IsTensorModule(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (current.IsGenericType && current.ConstructedFrom.ToDisplayString() == "TorchSharp.torch.nn.Module<T, TResult>"
                && current.TypeArguments.All(t => t.ToDisplayString() == "TorchSharp.torch.Tensor"))
                return true;
        }
        return false;
    }

    private static bool HasConstructor(INamedTypeSymbol type, int intParameters) =>
        !type.IsAbstract && type.InstanceConstructors.Any(c => c.DeclaredAccessibility == Accessibility.Public
            && c.Parameters.Length == intParameters && c.Parameters.All(p => p.Type.SpecialType == SpecialType.System_Int32));

    /// <summary>A user's own model type: a StagedBackbone with [StageGeometry] and a (classes, image size, channels) constructor.</summary>
    private ModelSpec? ParseCustomModel(string role, AttributeReader model, INamedTypeSymbol type, DataSpec data)
    {
        var location = model.LocationOfConstructorArgument(0);
        var name = type.ToDisplayString();
        var valid = CheckKnobs(role, model, name, new string[0]);
        if (!DerivesFrom(type, "FofaDsl.Backbones.StagedBackbone"))
        {
            Report(DiagnosticCatalog.ModelTypeNotBackbone, location, name, "neither a FofaDsl.Backbones.StagedBackbone nor a TorchSharp nn.Module<Tensor, Tensor>");
            return null;
        }
        var declaration = StageShapes.Read(type);
        var problem = declaration is null ? "it has no [StageGeometry]" : StageShapes.Problem(declaration);
        if (problem is not null)
        {
            Report(DiagnosticCatalog.StageGeometryMissing, location, name, problem);
            return null;
        }
        var constructor = type.InstanceConstructors.Any(c => c.DeclaredAccessibility == Accessibility.Public
            && c.Parameters.Length == 3 && c.Parameters.All(p => p.Type.SpecialType == SpecialType.System_Int32));
        if (!constructor)
        {
            Report(DiagnosticCatalog.ModelConstructorMissing, location, name);
            return null;
        }
        valid &= CheckDivisible($"{role} {type.Name}", model, declaration!, data.ImageSize, 0, 1);
        if (!valid) return null;

        var (stemShape, stages) = StageShapes.Evaluate(declaration!, data.ImageSize, 0, 0, 1);
        return new ModelSpec(role, type.Name, ModelFamily.Custom, type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), data.ImageSize,
            data.InputChannels, data.Classes, "", 0, 0, 0, 0, 0, 0, model.String("Weights", null), stemShape, new EquatableArray<StageShape>(stages));
    }

    private bool CheckKnobs(string role, AttributeReader model, string name, string[] knobs)
    {
        var valid = true;
        foreach (var knob in ArchitectureCatalog.AllKnobs)
        {
            if (model.Has(knob) && System.Array.IndexOf(knobs, knob) < 0)
            {
                var usable = knobs.Length == 0 ? "it is a fixed model" : "use " + string.Join(", ", knobs);
                Report(DiagnosticCatalog.KnobNotApplicable, model.LocationOf(knob), knob, $"{role} {name}", usable);
                valid = false;
            }
        }
        return valid;
    }

    /// <summary>Unpadded downsampling (patchify, merging) needs the image size divisible by the largest stride.</summary>
    private bool CheckDivisible(string subject, AttributeReader model, GeometryDeclaration declaration, int size, int patch, int divisor)
    {
        if (!declaration.RoundDown) return true;
        var stride = declaration.Strides.Concat(new[] { declaration.StemStride }).Max(s => declaration.ScaledStride(s, patch, divisor));
        if (size % stride == 0) return true;
        var what = stride == patch ? "its patch size" : patch > 0 ? $"its total stride (patch size {patch} x {stride / patch})" : "its total stride";
        Report(DiagnosticCatalog.ImageNotDivisible, model.Has("PatchSize") ? model.LocationOf("PatchSize") : model.Location, subject, size, stride, what);
        return false;
    }

    /// <summary>Swin: each stage's token grid must be tiled by its window (clamped to the grid, as timm does).</summary>
    private bool CheckWindows(string subject, AttributeReader model, int grid, int window)
    {
        for (var stage = 0; stage < 4; stage++, grid /= 2)
        {
            var effective = System.Math.Min(window, grid);
            if (effective > 0 && grid % effective != 0)
            {
                Report(DiagnosticCatalog.ValueOutOfRange, model.LocationOf("WindowSize"), "WindowSize", window,
                    $"stage {stage + 1} of {subject} is {grid}x{grid} tokens, which {window}x{window} windows do not tile");
                return false;
            }
        }
        return true;
    }

    private static bool DerivesFrom(INamedTypeSymbol type, string metadataName)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
            if (current.ToDisplayString() == metadataName) return true;
        return false;
    }

    /// <summary>A knob's value: the preset's when unset; an explicit value outside 1..<paramref name="maximum"/> is reported.</summary>
    private int Positive(AttributeReader model, string knob, int preset, int maximum, ref bool valid)
    {
        if (!model.Has(knob)) return preset;
        var value = model.Int(knob, preset);
        if (value >= 1 && value <= maximum) return value;
        Report(DiagnosticCatalog.ValueOutOfRange, model.LocationOf(knob), knob, value, $"use a value from 1 to {maximum}");
        valid = false;
        return preset;
    }

    private FofaSpec? ParseFofa(AttributeReader? fofa, ModelSpec? student, bool runsFofa, LocationInfo? studentLocation)
    {
        var queries = fofa?.Int("Queries", Defaults.Queries) ?? Defaults.Queries;
        var width = fofa?.Int("TokenWidth", Defaults.TokenWidth) ?? Defaults.TokenWidth;
        var heads = fofa?.Int("Heads", Defaults.AttentionHeads) ?? Defaults.AttentionHeads;
        var stages = fofa?.IntArray("PromptStages") ?? ImmutableArray.Create(1, 2, 3, 4);
        var valid = true;

        var grid = 0;
        if (queries <= 0 || queries % 4 != 0 || !IsSquare(queries / 4, out grid))
        {
            Report(DiagnosticCatalog.QueriesNotSquare, fofa?.LocationOf("Queries"), queries,
                (queries / 4.0).ToString("0.##", CultureInfo.InvariantCulture), NearestValidQueries(queries).ToString(CultureInfo.InvariantCulture));
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

        if (valid && runsFofa && student is not null)
        {
            for (var i = 0; i < student.Stages.Count; i++)
            {
                var shape = student.Stages[i];
                if (shape.Height < grid)
                    Report(DiagnosticCatalog.GridLargerThanStage, fofa?.LocationOf("Queries") ?? studentLocation, i + 1, shape.Height, shape.Width, grid, queries);
            }
        }

        return valid
            ? new FofaSpec(queries, grid, width, heads, new EquatableArray<int>(stages),
                fofa?.Bool("RegionAwareAttention", true) ?? true, fofa?.Bool("Prompts", true) ?? true,
                fofa?.Bool("Feedback", true) ?? true, fofa?.Bool("ReferenceCodeQuirks", false) ?? false)
            : null;
    }

    private LossWeightsSpec ParseWeights(AttributeReader? weights, string experimentName)
    {
        double Weight(string name, double fallback)
        {
            var value = weights?.Double(name, fallback) ?? fallback;
            if (double.IsNaN(value) || double.IsInfinity(value) || value < 0)
                Report(DiagnosticCatalog.ValueOutOfRange, weights?.LocationOf(name), name, value.ToString(CultureInfo.InvariantCulture), "loss weights are finite and non-negative");
            return value;
        }

        var spec = new LossWeightsSpec(
            Weight("CrossEntropy", Defaults.LossWeight),
            Weight("LogitKd", Defaults.LossWeight),
            Weight("Feature", Defaults.LossWeight),
            Weight("PromptRegularisation", Defaults.LossWeight),
            weights?.Double("Temperature", Defaults.Temperature) ?? Defaults.Temperature,
            weights?.Double("LabelSmoothing", Defaults.LabelSmoothing) ?? Defaults.LabelSmoothing);
        if (spec.CrossEntropy == 0 && spec.LogitKd == 0 && spec.Feature == 0 && spec.PromptRegularisation == 0)
            Report(DiagnosticCatalog.LossWeightsAllZero, weights?.Location, experimentName);
        if (!(spec.Temperature > 0) || double.IsInfinity(spec.Temperature))
            Report(DiagnosticCatalog.ValueOutOfRange, weights?.LocationOf("Temperature"), "Temperature", spec.Temperature.ToString(CultureInfo.InvariantCulture), "the temperature must be a positive number");
        if (!(spec.LabelSmoothing >= 0 && spec.LabelSmoothing < 1))
            Report(DiagnosticCatalog.ValueOutOfRange, weights?.LocationOf("LabelSmoothing"), "LabelSmoothing", spec.LabelSmoothing.ToString(CultureInfo.InvariantCulture), "label smoothing lies in [0, 1)");
        return spec;
    }

    private ScheduleSpec ParseSchedule(AttributeReader? schedule)
    {
        int Int(string name, int fallback, int minimum, string rule)
        {
            var value = schedule?.Int(name, fallback) ?? fallback;
            if (value < minimum) Report(DiagnosticCatalog.ValueOutOfRange, schedule?.LocationOf(name), name, value, rule);
            return value;
        }

        double Real(string name, double fallback, bool allowZero, string rule)
        {
            var value = schedule?.Double(name, fallback) ?? fallback;
            if (double.IsNaN(value) || double.IsInfinity(value) || value < 0 || (!allowZero && value == 0))
                Report(DiagnosticCatalog.ValueOutOfRange, schedule?.LocationOf(name), name, value.ToString(CultureInfo.InvariantCulture), rule);
            return value;
        }

        var optimizerValue = schedule?.Int("Optimizer", 0) ?? 0;
        if (optimizerValue is not (0 or 1)) Report(DiagnosticCatalog.UnknownEnumValue, schedule?.LocationOf("Optimizer"), "OptimizerKind", optimizerValue);

        var spec = new ScheduleSpec(
            Int("Epochs", Defaults.Epochs, 1, "train for at least one epoch"),
            Int("TeacherEpochs", Defaults.TeacherEpochs, 0, "use 0 only with teacher weights, else a positive count"),
            Int("BatchSize", Defaults.BatchSize, 1, "a batch holds at least one image"),
            optimizerValue == 1 ? "Sgd" : Defaults.Optimizer,
            Real("LearningRate", Defaults.LearningRate, false, "the learning rate must be a positive number"),
            Real("MinLearningRate", Defaults.MinLearningRate, true, "the final learning rate must be a non-negative number"),
            Real("WeightDecay", Defaults.WeightDecay, true, "weight decay must be a non-negative number"),
            Real("Momentum", Defaults.Momentum, true, "momentum lies in [0, 1)"),
            Int("WarmupEpochs", Defaults.WarmupEpochs, 0, "warm-up epochs are non-negative"),
            schedule?.Int("Decay", 0) == 1 ? "Step" : "Cosine",
            Int("DecayEveryEpochs", Defaults.DecayEveryEpochs, 1, "decay at least every epoch"),
            Real("DecayFactor", Defaults.DecayFactor, false, "the decay factor lies in (0, 1]"),
            Real("GradientClip", 0, true, "use 0 (off) or a positive norm"),
            Real("EmaDecay", 0, true, "use 0 (off) or a decay in (0, 1)"));
        if (spec.DecayFactor > 1)
            Report(DiagnosticCatalog.ValueOutOfRange, schedule?.LocationOf("DecayFactor"), "DecayFactor", spec.DecayFactor.ToString(CultureInfo.InvariantCulture), "the decay factor lies in (0, 1]");
        if (spec.EmaDecay >= 1)
            Report(DiagnosticCatalog.ValueOutOfRange, schedule?.LocationOf("EmaDecay"), "EmaDecay", spec.EmaDecay.ToString(CultureInfo.InvariantCulture), "use 0 (off) or a decay in (0, 1)");
        var decayValue = schedule?.Int("Decay", 0) ?? 0;
        if (decayValue is not (0 or 1)) Report(DiagnosticCatalog.UnknownEnumValue, schedule?.LocationOf("Decay"), "LearningRateDecay", decayValue);
        if (spec.MinLearningRate > spec.LearningRate)
            Report(DiagnosticCatalog.ValueOutOfRange, schedule?.LocationOf("MinLearningRate"), "MinLearningRate", spec.MinLearningRate.ToString(CultureInfo.InvariantCulture), $"it must not exceed LearningRate = {spec.LearningRate.ToString(CultureInfo.InvariantCulture)}");
        if (spec.Momentum >= 1)
            Report(DiagnosticCatalog.ValueOutOfRange, schedule?.LocationOf("Momentum"), "Momentum", spec.Momentum.ToString(CultureInfo.InvariantCulture), "momentum lies in [0, 1)");
        if (spec.Epochs >= 1 && spec.WarmupEpochs >= spec.Epochs)
            Report(DiagnosticCatalog.ValueOutOfRange, schedule?.LocationOf("WarmupEpochs"), "WarmupEpochs", spec.WarmupEpochs, $"warm-up must end before the last epoch (Epochs = {spec.Epochs})");
        return spec;
    }

    private void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] args) =>
        diagnostics.Add(DiagnosticInfo.Create(descriptor, location, args));

    private static bool IsSquare(int value, out int root)
    {
        root = (int)Math.Round(Math.Sqrt(value));
        return root > 0 && root * root == value;
    }

    /// <summary>The valid N = 4*g*g nearest to <paramref name="queries"/>; a tie goes to the larger (as the code fix rounds).</summary>
    private static int NearestValidQueries(int queries)
    {
        var lower = Math.Max(1, (int)Math.Floor(Math.Sqrt(Math.Max(queries, 4) / 4.0)));
        long below = 4L * lower * lower, above = 4L * (lower + 1) * (lower + 1);
        return (int)(queries - below < above - queries ? below : above);
    }
}
