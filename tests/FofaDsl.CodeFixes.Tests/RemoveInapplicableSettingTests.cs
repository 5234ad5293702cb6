using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace FofaDsl.CodeFixes.Tests;

/// <summary>FOFA010: the fix removes the setting that the architecture does not have, commas and spacing intact.</summary>
public sealed class RemoveInapplicableSettingTests
{
    private const string Student = "[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16)]";
    private const string Teacher = "PatchSize = 4, EmbedDim = 96";

    private readonly RemoveInapplicableSettingCodeFix provider = new();

    [Fact]
    public Task The_last_setting_is_removed() =>
        CodeFixHarness.AssertFixesAsync(provider,
            Sources.QuickstartWith(Student, "[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16, PatchSize = 4)]"),
            "FOFA010", "Remove PatchSize",
            Sources.Quickstart);

    [Fact]
    public Task A_setting_in_the_middle_is_removed() =>
        CodeFixHarness.AssertFixesAsync(provider,
            Sources.QuickstartWith(Teacher, "PatchSize = 4, BaseWidth = 8, EmbedDim = 96"),
            "FOFA010", "Remove BaseWidth",
            Sources.Quickstart);

    [Fact]
    public async Task Fix_all_removes_neighbouring_settings_of_one_attribute_and_of_another()
    {
        var document = CodeFixHarness.CreateDocument(Sources.Quickstart
            .Replace(Student, "[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, PatchSize = 4, Depth = 6, BaseWidth = 16)]")
            .Replace(Teacher, "PatchSize = 4, EmbedDim = 96, WindowSize = 7"));
        var (diagnostics, _) = await CodeFixHarness.RunGeneratorAsync(document.Project);
        Assert.Equal(3, diagnostics.Count(d => d.Id == "FOFA010"));
        var action = Assert.Single(await CodeFixHarness.FixesAsync(provider, document, diagnostics.First(d => d.Id == "FOFA010")));

        var fixedDocument = await CodeFixHarness.FixAllInDocumentAsync(provider, document, "FOFA010", action.EquivalenceKey!);

        Assert.Equal(Sources.Quickstart, (await fixedDocument.GetTextAsync()).ToString());
        await CodeFixHarness.AssertNoErrorsAsync(fixedDocument);
    }

    [Fact]
    public async Task A_diagnostic_not_on_a_named_setting_gets_no_fix()
    {
        // A stale location (the IDE can show diagnostics from before the last edit) must not remove the architecture.
        var source = Sources.QuickstartWith(Student, "[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16, PatchSize = 4)]");
        var document = CodeFixHarness.CreateDocument(source);
        var reported = await CodeFixHarness.DiagnosticAsync(document, "FOFA010");
        var span = new TextSpan(source.IndexOf("Architecture.ResNet18", StringComparison.Ordinal), "Architecture.ResNet18".Length);
        var stale = Diagnostic.Create(reported.Descriptor, Location.Create((await document.GetSyntaxTreeAsync())!, span), "PatchSize", "Student ResNet18", "use Stem, BaseWidth");

        Assert.Empty(await CodeFixHarness.FixesAsync(provider, document, stale));
    }
}
