using System.Text.Json;
using FofaDsl.Tests.Generated;

namespace FofaDsl.Tests.Hosting;

/// <summary>The generated program resumes an interrupted run from its output folder and records a manifest.</summary>
[Collection(TorchCollection.Name)]
public sealed class ExperimentHostResumeTests : IDisposable
{
    private readonly string output = Path.Combine(Path.GetTempPath(), "fofa-resume-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
    }

    [Fact]
    public async Task Resume_reuses_the_teacher_and_the_finished_method_checkpoints_and_reports_the_same_numbers()
    {
        Assert.Equal(0, await TinyExperiment.RunAsync(["compare", "--out", output, "--methods", "scratch,fofa"]));
        var teacherWritten = File.GetLastWriteTimeUtc(Path.Combine(output, "teacher.safetensors"));
        Assert.True(File.Exists(Path.Combine(output, "checkpoints", "fofa", "last.ckpt")));

        Assert.Equal(0, await TinyExperiment.RunAsync(["compare", "--out", output, "--methods", "scratch,fofa", "--resume"]));
        Assert.Equal(teacherWritten, File.GetLastWriteTimeUtc(Path.Combine(output, "teacher.safetensors")));

        var results = Directory.GetFiles(output, "results-*.csv").Select(File.ReadAllLines).ToList();
        // Every row but the teacher's (trained, then loaded) reports the same top-1 in both runs.
        string[] Students(string[] rows) => rows.Where(r => r.StartsWith("\"student", StringComparison.Ordinal)).Select(r => r[..r.LastIndexOf(',')]).ToArray();
        if (results.Count == 2) Assert.Equal(Students(results[0]), Students(results[1]));

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "manifest.json")));
        Assert.Equal(TinyExperiment.Spec.Fingerprint, manifest.RootElement.GetProperty("fingerprint").GetString());
        Assert.Equal(TinyExperiment.Spec.Seed, manifest.RootElement.GetProperty("seed").GetInt32());
        Assert.Equal(16, TinyExperiment.Spec.Fingerprint.Length);
    }
}
