using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using FofaDsl.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FofaDsl.Generators.Tests;

/// <summary>Runs <see cref="ExperimentGenerator"/> over in-memory sources against .NET 10, FofaDsl and TorchSharp references.</summary>
internal static class GeneratorHarness
{
    public const string Usings = "using FofaDsl;\nusing FofaDsl.Backbones;\n\n";

    private static readonly ImmutableArray<MetadataReference> References =
    [
        .. Net100.References.All,
        MetadataReference.CreateFromFile(typeof(ExperimentAttribute).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location),
    ];

    public static CSharpCompilation Compile(params string[] sources) => Compile(LanguageVersion.Latest, sources);

    /// <summary>The sources compiled as C# <paramref name="version"/> (a project's LangVersion).</summary>
    public static CSharpCompilation Compile(LanguageVersion version, params string[] sources) => CSharpCompilation.Create(
        "Experiments",
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions(version), path: $"Experiment{i}.cs")),
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
            // As the SDK does: TorchSharp targets net8.0's System.Runtime, unified with .NET 10's.
            .WithSpecificDiagnosticOptions([new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]));

    public static GeneratorDriver CreateDriver(LanguageVersion version = LanguageVersion.Latest) => CSharpGeneratorDriver.Create(
        [new ExperimentGenerator().AsSourceGenerator()],
        parseOptions: ParseOptions(version),
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns the generated sources, its diagnostics and the compilation with the generated code.</summary>
    public static (ImmutableArray<GeneratedSourceResult> Sources, ImmutableArray<Diagnostic> Diagnostics, Compilation Output) Run(params string[] sources) =>
        Run(LanguageVersion.Latest, sources);

    /// <summary>As <see cref="Run(string[])"/>, in a project that compiles as C# <paramref name="version"/>.</summary>
    public static (ImmutableArray<GeneratedSourceResult> Sources, ImmutableArray<Diagnostic> Diagnostics, Compilation Output) Run(LanguageVersion version, params string[] sources)
    {
        var compilation = Compile(version, sources);
        var driver = CreateDriver(version).RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        return (result.GeneratedSources, result.Diagnostics, output);
    }

    private static CSharpParseOptions ParseOptions(LanguageVersion version) => new(version);
}
