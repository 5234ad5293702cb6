namespace FofaDsl.CodeFixes.Tests;

/// <summary>FOFA005, repeated stages: the fix keeps each stage's first occurrence and the array's layout.</summary>
public sealed class RemoveRepeatedPromptStagesTests
{
    private const string Fofa = "Heads = 4)]";

    private readonly RemoveRepeatedPromptStagesCodeFix provider = new();

    [Theory]
    [InlineData("new[] { 2, 2 }", "new[] { 2 }")]
    [InlineData("new int[] { 1, 3, 1, 3, 4 }", "new int[] { 1, 3, 4 }")]
    [InlineData("new[] { 4, 4, 2, }", "new[] { 4, 2, }")]
    [InlineData("[4, 2, 4]", "[4, 2]")]
    [InlineData("new[]\n{\n    1,\n    2,\n    2\n}", "new[]\n{\n    1,\n    2\n}")]
    public Task Repeats_are_removed(string stages, string expected) =>
        CodeFixHarness.AssertFixesAsync(provider,
            Sources.QuickstartWith(Fofa, $"Heads = 4, PromptStages = {stages})]"),
            "FOFA005", "Remove repeated prompt stages",
            Sources.QuickstartWith(Fofa, $"Heads = 4, PromptStages = {expected})]"));

    [Fact]
    public async Task Fix_all_rewrites_an_array_with_several_repeats_once()
    {
        var document = CodeFixHarness.CreateDocument(Sources.QuickstartWith(Fofa, "Heads = 4, PromptStages = new[] { 1, 3, 1, 3, 4, 4 })]"));
        var (diagnostics, _) = await CodeFixHarness.RunGeneratorAsync(document.Project);
        Assert.Equal(3, diagnostics.Count(d => d.Id == "FOFA005")); // one per repeat, all at the same argument
        var action = Assert.Single(await CodeFixHarness.FixesAsync(provider, document, diagnostics.First(d => d.Id == "FOFA005")));

        var fixedDocument = await CodeFixHarness.FixAllInDocumentAsync(provider, document, "FOFA005", action.EquivalenceKey!);

        Assert.Equal(Sources.QuickstartWith(Fofa, "Heads = 4, PromptStages = new[] { 1, 3, 4 })]"), (await fixedDocument.GetTextAsync()).ToString());
        await CodeFixHarness.AssertNoErrorsAsync(fixedDocument);
    }

    [Fact]
    public Task A_stage_outside_one_to_four_is_left_to_the_user() =>
        // 5 may be a typo for any stage (or a zero-based 4): no single edit is right.
        CodeFixHarness.AssertNoFixAsync(provider, Sources.QuickstartWith(Fofa, "Heads = 4, PromptStages = new[] { 1, 5 })]"), "FOFA005");
}
