using System.Reflection;
using FofaDsl.Generators.Diagnostics;
using Microsoft.CodeAnalysis;

namespace FofaDsl.Generators.Tests;

/// <summary>One catalog: unique IDs, a help text for each, and each documented in docs/diagnostics.md and the release-tracking file.</summary>
public sealed class DiagnosticCatalogTests
{
    private static readonly DiagnosticDescriptor[] Descriptors = typeof(DiagnosticCatalog)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToArray();

    [Fact]
    public void Ids_are_unique_and_every_descriptor_says_what_to_change()
    {
        Assert.Equal(Descriptors.Length, Descriptors.Select(d => d.Id).Distinct().Count());
        Assert.All(Descriptors, d => Assert.False(string.IsNullOrWhiteSpace(d.Description.ToString()), d.Id));
        Assert.All(Descriptors, d => Assert.EndsWith("#" + d.Id.ToLowerInvariant(), d.HelpLinkUri));
    }

    [Fact]
    public void Every_diagnostic_is_documented_and_release_tracked()
    {
        // Both files are copied next to the tests (see the project file): CI builds map source paths away.
        var page = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Catalog", "diagnostics.md"));
        var tracking = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Catalog", "AnalyzerReleases.Unshipped.md"));
        Assert.All(Descriptors, d => Assert.Contains("## " + d.Id.ToLowerInvariant(), page));
        Assert.All(Descriptors, d => Assert.Contains(d.Id + " |", tracking));
    }

    [Fact]
    public void Every_diagnostic_has_a_test_that_triggers_it()
    {
        var triggered = DiagnosticTests.Cases.Concat(DiagnosticTests.ProjectCases).Select(row => (string)row[0]).ToHashSet();
        // FOFA999 is the catch-all for a generator bug; the robustness test asserts it never fires.
        var untested = Descriptors.Select(d => d.Id).Where(id => id != "FOFA999" && !triggered.Contains(id)).ToList();
        Assert.True(untested.Count == 0, "No trigger case in DiagnosticTests.Cases or ProjectCases for " + string.Join(", ", untested));
    }
}
