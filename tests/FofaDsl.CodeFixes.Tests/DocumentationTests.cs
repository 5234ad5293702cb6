using System.Reflection;
using Microsoft.CodeAnalysis.CodeFixes;

namespace FofaDsl.CodeFixes.Tests;

/// <summary>docs/diagnostics.md says, for each diagnostic that has a code fix, what the fix does.</summary>
public sealed class DocumentationTests
{
    [Fact]
    public void Every_fixable_diagnostic_documents_its_code_fix()
    {
        // Copied next to the tests (see the project file): CI builds map source paths away.
        var page = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Catalog", "diagnostics.md"));
        var sections = page.Split("\n## ").Skip(1).ToDictionary(s => s[..s.IndexOf('\n')].Trim(), s => s);
        var providers = typeof(MakeExperimentPartialCodeFix).Assembly.GetTypes()
            .Where(t => typeof(CodeFixProvider).IsAssignableFrom(t) && t.GetCustomAttribute<ExportCodeFixProviderAttribute>() is not null)
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .ToList();

        Assert.Equal(5, providers.Count);
        var ids = providers.SelectMany(p => p.FixableDiagnosticIds).ToList();
        Assert.Equal(["FOFA001", "FOFA004", "FOFA005", "FOFA010", "FOFA024"], ids.Order());
        Assert.All(ids, id => Assert.Contains("Code fix:", sections[id.ToLowerInvariant()]));
        // And no section claims a fix that does not exist.
        Assert.All(sections.Where(s => s.Value.Contains("Code fix:")), s => Assert.Contains(s.Key.ToUpperInvariant(), ids));
    }
}
