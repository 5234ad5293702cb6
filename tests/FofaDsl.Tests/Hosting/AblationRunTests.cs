using FofaDsl.Tests.Generated;

namespace FofaDsl.Tests.Hosting;

/// <summary>An experiment with several FOFA runs trains them under their own names and keeps their settings apart.</summary>
[Collection(TorchCollection.Name)]
public sealed class AblationRunTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "fofa-ablation-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task An_ablation_run_trains_under_its_name_and_its_missing_component_is_named_when_asked_for()
    {
        var (code, output, error) = await HostRun.Run(TinyAblationExperiment.Definition, "compare", "--methods", "fofa-no-raa", "--out", folder, "--threads", "1");
        Assert.True(code == 0, error);
        Assert.Contains("FOFA (no RAA)", output);
        var checkpoint = Path.Combine(folder, "checkpoints", "fofa-no-raa", "best.ckpt");
        Assert.True(File.Exists(checkpoint));
        Assert.True(File.Exists(Path.Combine(folder, "steps-fofa-no-raa.csv")));

        // The run has no region-aware attention, so there is nothing to draw: the refusal names the declaration.
        var (refused, _, message) = await HostRun.Run(TinyAblationExperiment.Definition, "eval", "--checkpoint", checkpoint, "--attention-maps", "1", "--out", folder);
        Assert.Equal(2, refused);
        Assert.Contains("'fofa-no-raa' is declared without region-aware attention ([Fofa(RegionAwareAttention = false)])", message);

        // Evaluating it builds the run's own graph (no RAA) from the checkpoint and reports its accuracy.
        var (evaluated, evaluation, evalError) = await HostRun.Run(TinyAblationExperiment.Definition, "eval", "--checkpoint", checkpoint, "--out", folder);
        Assert.True(evaluated == 0, evalError);
        Assert.Contains("top-1", evaluation);
    }
}
