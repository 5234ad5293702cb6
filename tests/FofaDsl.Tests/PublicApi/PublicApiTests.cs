using PublicApiGenerator;

namespace FofaDsl.Tests.PublicApi;

/// <summary>
/// The public surface of the FofaDsl package, compared with the approved text checked in beside this file, so that every
/// change to what users compile against shows up in review as a diff of <c>FofaDsl.approved.txt</c>. To accept a
/// deliberate change, run the tests with FOFA_UPDATE_GOLDEN=1 (as for the generator's golden files) and review the diff.
/// </summary>
public sealed class PublicApiTests
{
    private const string ApprovedFile = "FofaDsl.approved.txt";

    [Fact]
    public void The_public_API_matches_the_approved_file()
    {
        var api = Normalise(typeof(ExperimentAttribute).Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            // Not what users compile against: who may see internals, and build metadata such as the repository's URL
            // (Source Link writes the clone's remote, which differs between machines).
            ExcludeAttributes = ["System.Runtime.CompilerServices.InternalsVisibleToAttribute", "System.Reflection.AssemblyMetadataAttribute"],
        }));

        var approvedPath = Path.Combine(AppContext.BaseDirectory, "PublicApi", ApprovedFile);
        if (Environment.GetEnvironmentVariable("FOFA_UPDATE_GOLDEN") == "1")
        {
            approvedPath = Path.Combine(SourceDirectory(), ApprovedFile);
            File.WriteAllText(approvedPath, api);
        }
        Assert.True(File.Exists(approvedPath), $"{approvedPath} is missing; run the tests once with FOFA_UPDATE_GOLDEN=1.");
        var approved = Normalise(File.ReadAllText(approvedPath));
        Assert.True(approved == api,
            "FofaDsl's public API differs from tests/FofaDsl.Tests/PublicApi/" + ApprovedFile + ". If the change is meant, accept it with " +
            "`FOFA_UPDATE_GOLDEN=1 dotnet test tests/FofaDsl.Tests --filter " + nameof(PublicApiTests) + "` and review the diff: " +
            "a removed or changed member breaks the code of FofaDsl's users.\n" + FirstDifference(approved, api));
    }

    /// <summary>Line endings as checked out on any platform.</summary>
    private static string Normalise(string text) => text.ReplaceLineEndings("\n").TrimEnd() + "\n";

    /// <summary>The first line that differs, so the failure is readable without a diff tool.</summary>
    private static string FirstDifference(string approved, string actual)
    {
        var (expectedLines, actualLines) = (approved.Split('\n'), actual.Split('\n'));
        for (var i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            var expected = i < expectedLines.Length ? expectedLines[i] : "(end of file)";
            var found = i < actualLines.Length ? actualLines[i] : "(end of file)";
            if (expected != found) return $"First difference at line {i + 1}:\n  approved: {expected}\n  actual:   {found}";
        }
        return "";
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
