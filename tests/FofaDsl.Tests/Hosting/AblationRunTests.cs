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
        Assert.Contains("fofa-no-raa (FOFA without RAA)", output);
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

    [Fact]
    public async Task Every_report_names_a_run_by_its_run_name_and_what_it_lacks_against_the_full_method()
    {
        var (code, output, error) = await HostRun.Run(TinyTable4Experiment.Definition, "compare", "--methods", "raa,fofa", "--out", folder, "--threads", "1");
        Assert.True(code == 0, error);
        const string Raa = "raa (FOFA without prompts)", Fofa = "fofa (FOFA)";

        // The results table and the epoch lines.
        Assert.Matches(@"\| raa \(FOFA without prompts\) +\|", output);
        Assert.Matches(@"\| fofa \(FOFA\) +\|", output);
        Assert.Contains($"[{Raa}] epoch 1/1", output);
        Assert.Contains($"[{Fofa}] epoch 1/1", output);
        Assert.DoesNotMatch(@"\| FOFA|\[FOFA|FOFA \(with prompts", output);
        // The results and metrics CSVs.
        var results = File.ReadAllText(Directory.GetFiles(folder, "results-*.csv").Single());
        Assert.Contains($"\"{Raa}\"", results);
        Assert.Contains($"\"{Fofa}\"", results);
        Assert.Contains(Raa, File.ReadAllText(Path.Combine(folder, "metrics-raa.csv")));
        // The manifest: the run names resume selects by, and how each is shown.
        var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json"))).RootElement;
        Assert.Equal(Raa, manifest.GetProperty("runs").GetProperty("raa").GetString());
        Assert.Equal(Fofa, manifest.GetProperty("runs").GetProperty("fofa").GetString());
        // TensorBoard tags (plot legends take the same label).
        var events = System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(Directory.GetFiles(Path.Combine(folder, "tensorboard")).Single()));
        Assert.Contains($"{Raa}/top1", events);
        Assert.Contains($"{Fofa}/feature", events);
        // Files keep the bare run names.
        Assert.True(File.Exists(Path.Combine(folder, "student-raa.safetensors")));
        Assert.True(File.Exists(Path.Combine(folder, "loss-fofa.png")));
    }
}
