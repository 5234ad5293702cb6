using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace FofaDsl.CodeFixes.Tests;

/// <summary>FOFA001: the fix adds 'partial' after the other modifiers and keeps the layout around it.</summary>
public sealed class MakeExperimentPartialTests
{
    private readonly MakeExperimentPartialCodeFix provider = new();

    [Theory]
    [InlineData("public class Quickstart;", "public partial class Quickstart;")]
    [InlineData("public sealed class Quickstart { }", "public sealed partial class Quickstart { }")]
    [InlineData("public /* keep */ class Quickstart;", "public /* keep */ partial class Quickstart;")]
    public Task Partial_goes_last_among_the_modifiers(string declaration, string expected) =>
        CodeFixHarness.AssertFixesAsync(provider,
            Sources.QuickstartWith("public partial class Quickstart;", declaration),
            "FOFA001", "Make 'Quickstart' partial",
            Sources.QuickstartWith("public partial class Quickstart;", expected));

    [Fact]
    public Task Without_modifiers_partial_takes_the_indentation_and_comment_before_class() =>
        CodeFixHarness.AssertFixesAsync(provider,
            """
            using FofaDsl;
            using FofaDsl.Backbones;

            namespace Samples
            {
                [Experiment]
                [Teacher(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 8)]
                [Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 8)]
                /* tiny */ class Tiny
                {
                }
            }
            """,
            "FOFA001", "Make 'Tiny' partial",
            """
            using FofaDsl;
            using FofaDsl.Backbones;

            namespace Samples
            {
                [Experiment]
                [Teacher(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 8)]
                [Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 8)]
                /* tiny */ partial class Tiny
                {
                }
            }
            """);

    [Fact]
    public async Task Fix_all_makes_every_experiment_of_the_document_partial()
    {
        const string Experiment = """

            [Experiment]
            [Teacher(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 8)]
            [Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 8)]
            """;
        var document = CodeFixHarness.CreateDocument(
            "using FofaDsl;\nusing FofaDsl.Backbones;\n\nnamespace Samples;\n" + Experiment + "\npublic class First;\n" + Experiment + "\ninternal class Second;\n");
        var action = Assert.Single(await CodeFixHarness.FixesAsync(provider, document, await CodeFixHarness.DiagnosticAsync(document, "FOFA001")));

        var fixedDocument = await CodeFixHarness.FixAllInDocumentAsync(provider, document, "FOFA001", action.EquivalenceKey!);

        Assert.Equal("using FofaDsl;\nusing FofaDsl.Backbones;\n\nnamespace Samples;\n" + Experiment + "\npublic partial class First;\n" + Experiment + "\ninternal partial class Second;\n",
            (await fixedDocument.GetTextAsync()).ToString());
        await CodeFixHarness.AssertNoErrorsAsync(fixedDocument);
    }

    [Fact]
    public async Task A_stale_diagnostic_on_a_class_that_is_already_partial_gets_no_fix()
    {
        // The IDE can show a diagnostic computed before the user's last edit.
        var reported = await CodeFixHarness.DiagnosticAsync(
            CodeFixHarness.CreateDocument(Sources.QuickstartWith("public partial class Quickstart;", "public class Quickstart;")), "FOFA001");
        var document = CodeFixHarness.CreateDocument(Sources.Quickstart);
        var span = new TextSpan(Sources.Quickstart.LastIndexOf("Quickstart", StringComparison.Ordinal), "Quickstart".Length);
        var stale = Diagnostic.Create(reported.Descriptor, Location.Create((await document.GetSyntaxTreeAsync())!, span), "Quickstart");

        Assert.Empty(await CodeFixHarness.FixesAsync(provider, document, stale));
    }
}
