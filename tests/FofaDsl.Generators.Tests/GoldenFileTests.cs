using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FofaDsl.Generators.Tests;

/// <summary>
/// Generated code compared with checked-in golden files, and compiled. To accept a deliberate
/// change, run the tests with FOFA_UPDATE_GOLDEN=1 and review the diff of tests/.../Golden.
/// </summary>
public sealed class GoldenFileTests
{
    /// <summary>The experiments with golden files: the field of <see cref="Experiments"/> and the generated file's hint name.</summary>
    public static TheoryData<string, string> Goldens => new()
    {
        { nameof(Experiments.Quickstart), "Samples.Quickstart.g.cs" },
        { nameof(Experiments.ResNetToVit), "Samples.Reverse.ResNetToVit.g.cs" },
        { nameof(Experiments.ConvNeXtToDeiT), "Samples.Zoo.ConvNeXtToDeiT.g.cs" },
        { nameof(Experiments.AllMethods), "Samples.Methods.AllMethods.g.cs" },
        { nameof(Experiments.ScratchOnly), "Samples.Supervised.ScratchOnly.g.cs" },
        { nameof(Experiments.TappedStudent), "Samples.Taps.TappedStudent.g.cs" },
        { nameof(Experiments.Ablation), "Samples.Ablation.Ablation.g.cs" },
    };

    [Theory]
    [MemberData(nameof(Goldens))]
    public void Generated_code_matches_the_golden_file_and_compiles_cleanly(string experiment, string hintName)
    {
        var source = SourceOf(experiment);
        var (sources, diagnostics, output) = GeneratorHarness.Run(source);

        Assert.Empty(diagnostics);
        var generated = Assert.Single(sources);
        Assert.Equal(hintName, generated.HintName);

        var goldenPath = Path.Combine(AppContext.BaseDirectory, "Golden", hintName + ".txt");
        var text = generated.SourceText.ToString();
        Assert.DoesNotContain("#line", text);
        if (Environment.GetEnvironmentVariable("FOFA_UPDATE_GOLDEN") == "1")
        {
            goldenPath = Path.Combine(SourceDirectory(), "Golden", hintName + ".txt");
            File.WriteAllText(goldenPath, text);
        }
        Assert.True(File.Exists(goldenPath), $"Golden file {goldenPath} is missing; run the tests once with FOFA_UPDATE_GOLDEN=1.");
        Assert.Equal(File.ReadAllText(goldenPath), text);

        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        AssertWellFormedDocumentation(text);
    }

    /// <summary>
    /// The XML docs parse (as with GenerateDocumentationFile) and no doc tag was escaped into text, which
    /// compiles cleanly but shows IntelliSense users a literal <c>&lt;/c&gt;</c>.
    /// </summary>
    private static void AssertWellFormedDocumentation(string generated)
    {
        var tree = CSharpSyntaxTree.ParseText(generated, new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Diagnose));
        var malformed = tree.GetDiagnostics().ToList();
        Assert.True(malformed.Count == 0, string.Join("\n", malformed));
        var escapedTags = generated.Split('\n')
            .Where(line => line.TrimStart().StartsWith("///", StringComparison.Ordinal) && EscapedDocTag.IsMatch(line))
            .ToList();
        Assert.True(escapedTags.Count == 0, "Escaped XML doc tags:\n" + string.Join("\n", escapedTags));
    }

    private static readonly Regex EscapedDocTag = new(@"&lt;/?(c|see|paramref|typeparamref|list|item|para|code)\b", RegexOptions.CultureInvariant);

    /// <summary>
    /// FOFA026 refuses projects older than <see cref="Parsing.ExperimentParser.MinimumLanguageVersion"/>; at that
    /// version every golden experiment's code must still compile without a diagnostic.
    /// </summary>
    [Theory]
    [MemberData(nameof(Goldens))]
    public void Generated_code_compiles_cleanly_as_the_oldest_supported_CSharp(string experiment, string hintName)
    {
        var (sources, diagnostics, output) = GeneratorHarness.Run(Parsing.ExperimentParser.MinimumLanguageVersion, SourceOf(experiment));

        Assert.Empty(diagnostics);
        Assert.Equal(hintName, Assert.Single(sources).HintName);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static string SourceOf(string experiment) => (string)typeof(Experiments).GetField(experiment)!.GetRawConstantValue()!;

    [Fact]
    public void Generation_is_deterministic()
    {
        var first = GeneratorHarness.Run(Experiments.Quickstart).Sources.Single().SourceText.ToString();
        var second = GeneratorHarness.Run(Experiments.Quickstart).Sources.Single().SourceText.ToString();
        Assert.Equal(first, second);
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
