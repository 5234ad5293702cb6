using System.Text.Json;
using FofaDsl.Platform;
using FofaDsl.Tests.Generated;
using FofaDsl.Tests.Hosting;

namespace FofaDsl.Tests.Platform;

/// <summary>The generated program checks the CPU's convolutions before it computes, says so, and records it.</summary>
[Collection(TorchCollection.Name)]
public sealed class SelfCheckHostTests : IDisposable
{
    private readonly string output = Path.Combine(Path.GetTempPath(), "fofa-selfcheck-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
    }

    [Fact]
    public async Task Check_probes_the_experiments_convolutions_first()
    {
        var (code, text, error) = await HostRun.Run(TinyExperiment.Definition, "check");

        Assert.True(code == 0, error);
        var first = text.Split('\n')[0];
        Assert.Matches(@"^self-check: \d+ convolution shapes right in float32 \(forward and backward, against float64\) on ", first);
        Assert.Contains(CpuIdentity.Current.ToString(), first);
        Assert.Contains("oneDNN convolutions off", first);
    }

    [Fact]
    public async Task Skip_self_check_says_it_skipped()
    {
        var (code, text, error) = await HostRun.Run(TinyExperiment.Definition, "check", "--skip-self-check", "--methods", "scratch");

        Assert.True(code == 0, error);
        Assert.StartsWith("self-check: skipped (--skip-self-check)", text);
    }

    [Fact]
    public async Task The_manifest_records_the_cpu_the_kernels_and_the_self_check()
    {
        var (code, _, error) = await HostRun.Run(TinyScratchExperiment.Definition, "train", "--out", output);

        Assert.True(code == 0, error);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "manifest.json")));
        Assert.Equal(CpuIdentity.Current.ToString(), manifest.RootElement.GetProperty("cpu").GetString());
        Assert.Contains("oneDNN convolutions off", manifest.RootElement.GetProperty("convolutionKernels").GetString());
        Assert.Matches(@"^\d+ convolution shapes right", manifest.RootElement.GetProperty("selfCheck").GetString());
    }

    [Fact]
    public async Task Without_threads_a_run_takes_half_the_cores_and_with_it_the_number_given()
    {
        var (code, _, error) = await HostRun.Run(TinyScratchExperiment.Definition, "train", "--out", output);
        Assert.True(code == 0, error);
        Assert.Equal(Math.Max(1, Environment.ProcessorCount / 2), ManifestThreads());

        (code, _, error) = await HostRun.Run(TinyScratchExperiment.Definition, "train", "--out", output, "--threads", "3", "--overwrite");
        Assert.True(code == 0, error);
        Assert.Equal(3, ManifestThreads());
    }

    private int ManifestThreads()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "manifest.json")));
        return manifest.RootElement.GetProperty("cpuThreads").GetInt32();
    }
}
