using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FofaDsl.Generators.Tests;

/// <summary>
/// The generator's diagnostics sit in the user's own syntax trees, so the compiler's suppression rules apply to them:
/// <c>#pragma warning disable</c> around the declaration, and a severity from the project's options (.editorconfig
/// <c>dotnet_diagnostic.ID.severity</c>, <c>NoWarn</c>). The real build's version of these checks is in FofaDsl.Tests
/// (<c>Diagnostics/SuppressedWarnings.cs</c>), which must compile under TreatWarningsAsErrors.
/// </summary>
public sealed class SuppressionTests
{
    private const string Fofa = "[Fofa(Queries = 64, TokenWidth = 128, Heads = 4)]";
    private static readonly string WarmupTooLong = Experiments.QuickstartWith(Fofa, Fofa + "[Dkd(WarmupEpochs = 5)]");

    [Fact]
    public void The_warning_is_located_in_the_users_syntax_tree()
    {
        var (_, diagnostics, output) = GeneratorHarness.Run(WarmupTooLong);

        var warning = Assert.Single(diagnostics, d => d.Id == "FOFA025");
        Assert.True(warning.Location.IsInSource);
        Assert.Contains(warning.Location.SourceTree, output.SyntaxTrees);
        Assert.Equal("WarmupEpochs = 5", warning.Location.SourceTree!.ToString().Substring(warning.Location.SourceSpan.Start, warning.Location.SourceSpan.Length));
    }

    [Fact]
    public void A_pragma_around_the_declaration_suppresses_it_and_only_there()
    {
        var suppressed = "#pragma warning disable FOFA025\n" + WarmupTooLong + "\n#pragma warning restore FOFA025\n";

        Assert.DoesNotContain(Effective(suppressed), d => d.Id == "FOFA025");
        Assert.Contains(Effective(WarmupTooLong), d => d.Id == "FOFA025");
        Assert.Contains(Effective("#pragma warning disable FOFA024\n" + WarmupTooLong), d => d.Id == "FOFA025");
    }

    [Fact]
    public void A_severity_from_the_project_options_applies()
    {
        var (_, diagnostics, output) = GeneratorHarness.Run(WarmupTooLong);
        var silenced = output.WithOptions(output.Options.WithSpecificDiagnosticOptions(
            output.Options.SpecificDiagnosticOptions.SetItem("FOFA025", ReportDiagnostic.Suppress)));
        var raised = output.WithOptions(output.Options.WithSpecificDiagnosticOptions(
            output.Options.SpecificDiagnosticOptions.SetItem("FOFA025", ReportDiagnostic.Error)));

        Assert.DoesNotContain(CompilationWithAnalyzers.GetEffectiveDiagnostics(diagnostics, silenced), d => d.Id == "FOFA025" && !d.IsSuppressed);
        Assert.Contains(CompilationWithAnalyzers.GetEffectiveDiagnostics(diagnostics, raised), d => d.Id == "FOFA025" && d.Severity == DiagnosticSeverity.Error);
    }

    /// <summary>The generator's diagnostics after the compiler's suppression rules, as a build reports them (a suppressed one is marked, not reported).</summary>
    private static IReadOnlyList<Diagnostic> Effective(string source)
    {
        var (_, diagnostics, output) = GeneratorHarness.Run(source);
        return CompilationWithAnalyzers.GetEffectiveDiagnostics(diagnostics, output).Where(d => !d.IsSuppressed).ToList();
    }
}
