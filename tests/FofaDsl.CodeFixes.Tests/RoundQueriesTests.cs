namespace FofaDsl.CodeFixes.Tests;

/// <summary>FOFA004: the fix replaces the query count with the nearest 4*g*g, ties going up.</summary>
public sealed class RoundQueriesTests
{
    private readonly RoundQueriesCodeFix provider = new();

    [Theory]
    [InlineData("Queries = 50", "Queries = 64")] // 36 and 64 are both 14 away: the tie goes to the larger
    [InlineData("Queries = 40", "Queries = 36")]
    [InlineData("Queries = 9", "Queries = 4")] // 4 is 5 away, 16 is 7 away
    [InlineData("Queries = 0", "Queries = 4")]
    [InlineData("Queries = -8", "Queries = 4")]
    [InlineData("Queries = 0x32", "Queries = 64")] // 50 in hexadecimal
    [InlineData("Queries = 50 /* try */", "Queries = 64 /* try */")]
    public Task Queries_become_the_nearest_valid_count(string queries, string expected) =>
        CodeFixHarness.AssertFixesAsync(provider,
            Sources.QuickstartWith("Queries = 64", queries),
            "FOFA004", "Use " + expected.Replace(" /* try */", ""),
            Sources.QuickstartWith("Queries = 64", expected));

    [Fact]
    public Task An_expression_is_left_to_the_user() =>
        // 2 * 25 may say something about the model; the fix does not guess which factor to change.
        CodeFixHarness.AssertNoFixAsync(provider, Sources.QuickstartWith("Queries = 64", "Queries = 2 * 25"), "FOFA004");

    [Fact]
    public async Task A_valid_neighbour_has_nothing_to_fix()
    {
        var (diagnostics, _) = await CodeFixHarness.RunGeneratorAsync(
            CodeFixHarness.CreateDocument(Sources.QuickstartWith("Queries = 64", "Queries = 36")).Project);
        Assert.DoesNotContain(diagnostics, d => d.Id == "FOFA004");
    }
}
