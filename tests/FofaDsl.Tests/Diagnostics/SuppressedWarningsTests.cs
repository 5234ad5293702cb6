namespace FofaDsl.Tests.Diagnostics;

/// <summary>
/// The two experiments beside this file carry a FOFA025 warning that a #pragma and an .editorconfig severity silence; this
/// project treats warnings as errors, so that it builds at all is the test. Here: the generator still emitted both.
/// </summary>
public sealed class SuppressedWarningsTests
{
    [Fact]
    public void Silenced_experiments_are_still_generated_with_their_declared_runs()
    {
        Assert.Equal(["dkd"], PragmaSuppressedExperiment.Spec.Methods);
        Assert.Equal(["dkd"], SeveritySuppressedExperiment.Spec.Methods);
        Assert.Equal(1, PragmaSuppressedExperiment.Spec.Epochs);
    }
}
