using System.Text.RegularExpressions;
using FofaDsl.Generators.Emitting;

namespace FofaDsl.Generators.Tests;

/// <summary>
/// The declaration fingerprint that checkpoints carry: it must change with anything that changes training,
/// and must not change when only the generated docs do (a FofaDsl release that rewords them would otherwise
/// make every user's checkpoints unusable).
/// </summary>
public sealed class FingerprintTests
{
    [Fact]
    public void Editing_a_declared_setting_changes_the_fingerprint()
    {
        var declared = FingerprintOf(Experiments.Quickstart);
        var edited = FingerprintOf(Experiments.Quickstart.Replace("Epochs = 4,", "Epochs = 5,"));
        var otherQueries = FingerprintOf(Experiments.Quickstart.Replace("Queries = 64", "Queries = 16"));

        Assert.Matches("^[0-9a-f]{16}$", declared);
        Assert.NotEqual(declared, edited);
        Assert.NotEqual(declared, otherQueries);
        Assert.NotEqual(edited, otherQueries);
    }

    [Fact]
    public void Comments_and_indentation_do_not_count_but_code_does()
    {
        var generated = GeneratorHarness.Run(Experiments.Quickstart).Sources.Single().SourceText.ToString();
        var reworded = Regex.Replace(generated, "/// <summary>[^\n]*", "/// <summary>Reworded.</summary>");
        var reindented = generated.Replace("\n    ", "\n  ");
        var withoutComments = string.Join("\n", generated.Split('\n').Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal)));
        var codeChanged = generated.Replace("UseFeedback = true", "UseFeedback = false");

        Assert.NotEqual(generated, reworded);
        Assert.NotEqual(generated, codeChanged);
        var original = ExperimentEmitter.Fingerprint(generated);
        Assert.Equal(original, ExperimentEmitter.Fingerprint(reworded));
        Assert.Equal(original, ExperimentEmitter.Fingerprint(reindented));
        Assert.Equal(original, ExperimentEmitter.Fingerprint(withoutComments));
        Assert.NotEqual(original, ExperimentEmitter.Fingerprint(codeChanged));
    }

    private static string FingerprintOf(string source)
    {
        var generated = GeneratorHarness.Run(source).Sources.Single().SourceText.ToString();
        return Regex.Match(generated, "Fingerprint = \"([0-9a-f]+)\"").Groups[1].Value;
    }
}
