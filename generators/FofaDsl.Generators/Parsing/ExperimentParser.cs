using System;
using System.Collections.Generic;
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
internal sealed partial class ExperimentParser
{
    private readonly List<DiagnosticInfo> diagnostics = new();
    private readonly Compilation compilation;
    private readonly CancellationToken cancellation;

    /// <summary>Semantic models of the trees read while parsing; one per tree, so a constructor body is bound once for all its taps.</summary>
    private readonly Dictionary<SyntaxTree, SemanticModel> semanticModels = new();

    private ExperimentParser(SemanticModel experimentModel, CancellationToken cancellation)
    {
        compilation = experimentModel.Compilation;
        semanticModels[experimentModel.SyntaxTree] = experimentModel;
        this.cancellation = cancellation;
    }

    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
    {
        var parser = new ExperimentParser(context.SemanticModel, cancellation);
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

    /// <summary>The oldest C# the generated code compiles as (collection expressions).</summary>
    internal const LanguageVersion MinimumLanguageVersion = LanguageVersion.CSharp12;

    /// <summary>"11" for C# 11.0, "7.3" for C# 7.3: as users write LangVersion.</summary>
    private static string Display(LanguageVersion version)
    {
        var text = version.ToDisplayString();
        return text.EndsWith(".0", StringComparison.Ordinal) ? text.Substring(0, text.Length - 2) : text;
    }

    private ExperimentSpec? ParseClass(INamedTypeSymbol type, ClassDeclarationSyntax declaration, AttributeData experimentAttribute)
    {
        var identifier = LocationInfo.From(declaration.Identifier.GetLocation());
        if (!type.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellation) is ClassDeclarationSyntax c && c.Modifiers.Any(SyntaxKind.PartialKeyword)))
            Report(DiagnosticCatalog.ClassNotPartial, identifier, type.Name);
        if (type.ContainingType is not null) Report(DiagnosticCatalog.UnsupportedClassShape, identifier, type.Name, "nested in " + type.ContainingType.Name);
        if (type.IsGenericType) Report(DiagnosticCatalog.UnsupportedClassShape, identifier, type.Name, "generic");

        var experiment = new AttributeReader(experimentAttribute, cancellation);
        // The generated code uses collection expressions; a project pinned to an older C# would get
        // dozens of errors inside generated files instead of this one.
        if (declaration.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: var version } && version < MinimumLanguageVersion)
            Report(DiagnosticCatalog.LanguageVersionTooOld, experiment.Location ?? identifier, type.Name, Display(version), Display(MinimumLanguageVersion));
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
        var schedule = ParseSchedule(Find(type, AttributeNames.Schedule));
        var runs = ParseRuns(type, teacher, student, teacherAttribute is not null, weights, name, new ModelLocations(teacherAttribute?.Location, studentAttribute?.Location ?? identifier), schedule.Epochs);

        if (student is null || runs.Any(r => r.Kind == RunKind.Fofa && r.Fofa is null) || (teacher is null && teacherAttribute is not null)) return null;
        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
        return new ExperimentSpec(ns, type.Name, name, seed, teacher, student, weights, schedule, data,
            new EquatableArray<RunSpec>(runs), device, output, checkpointEvery);
    }

    private static bool IsDevice(string device) =>
        device is "auto" or "cpu" or "cuda"
        || (device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device.Substring(5), NumberStyles.None, CultureInfo.InvariantCulture, out _));

    private AttributeReader? Find(INamedTypeSymbol type, string metadataName)
    {
        foreach (var attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == metadataName) return new AttributeReader(attribute, cancellation);
        }
        return null;
    }

    private SemanticModel SemanticModelOf(SyntaxTree tree)
    {
        if (!semanticModels.TryGetValue(tree, out var model)) semanticModels[tree] = model = compilation.GetSemanticModel(tree);
        return model;
    }

    private void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] args) =>
        diagnostics.Add(DiagnosticInfo.Create(descriptor, location, args));
}
