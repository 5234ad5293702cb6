using System.Text.Json;
using FofaDsl.Hosting;
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
        await HostRun.Succeeds(TinyExperiment.Definition, ["compare", "--out", output, "--methods", "scratch,fofa"]);
        var teacherWritten = File.GetLastWriteTimeUtc(Path.Combine(output, "teacher.safetensors"));
        Assert.True(File.Exists(Path.Combine(output, "checkpoints", "fofa", "last.ckpt")));

        await HostRun.Succeeds(TinyExperiment.Definition, ["compare", "--out", output, "--methods", "scratch,fofa", "--resume"]);
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

    [Fact]
    public async Task A_plain_resume_of_an_interrupted_run_with_overrides_ends_with_the_losses_and_weights_of_an_uninterrupted_one()
    {
        string[] train = ["train", "--methods", "scratch", "--train-limit", "16", "--epochs", "2", "--optimizer", "sgd", "--lr", "0.01", "--augmentation", "none", "--seed", "3"];
        var straight = Path.Combine(output, "straight");
        var split = Path.Combine(output, "split");
        var (code, _, error) = await HostRun.Run(TinyExperiment.Definition, [.. train, "--out", straight]);
        Assert.True(code == 0, error);

        // Interrupted (as by Ctrl+C) once the first epoch's checkpoint is written: no step of the second epoch runs, the
        // program says where it stopped and how to continue, and exits 130.
        using (var cancellation = new CancellationTokenSource())
        using (var log = new CancellingWriter(line => line.Contains("] epoch 1/2 ", StringComparison.Ordinal) && line.Contains("top-1", StringComparison.Ordinal), cancellation))
        using (var errors = new StringWriter())
        {
            var interrupted = await ExperimentHost.RunAsync(TinyExperiment.Definition, [.. train, "--out", split], log, errors, cancellation.Token);
            Assert.Equal(ExperimentHost.Interrupted, interrupted);
            Assert.Contains($"interrupted: Scratch stopped after step 2 (epoch 2); {Path.Combine(split, "checkpoints", "scratch", "last.ckpt")} holds the run up to there.", errors.ToString());
            Assert.Contains($"Continue with: resume --out {split}", errors.ToString());
        }
        string[][] Steps(string folder) => File.ReadAllLines(Path.Combine(folder, "steps-scratch.csv")).Select(l => l.Split(',')[..^1]).ToArray();
        Assert.Equal(3, Steps(split).Length);

        // Nothing but the folder on the command line: the epochs, optimizer, learning rate, images, augmentation and seed are the run's.
        var (resumed, resumedLog, resumeError) = await HostRun.Run(TinyExperiment.Definition, "resume", "--out", split);
        Assert.True(resumed == 0, resumeError);
        Assert.Contains("resume: continuing with the run's --epochs 2 --optimizer Sgd --lr 0.01 --train-limit 16 --augmentation None --seed 3",
            resumedLog.Split('\n').Select(l => l.TrimEnd('\r')));
        Assert.Contains("resumed from", resumedLog);

        // Losses step by step (the images-per-second column aside), then the exported student, byte for byte.
        var (expected, actual) = (Steps(straight), Steps(split));
        Assert.Equal(5, expected.Length);
        Assert.Equal(expected, actual);
        Assert.Equal(File.ReadAllBytes(Path.Combine(straight, "student-scratch.safetensors")), File.ReadAllBytes(Path.Combine(split, "student-scratch.safetensors")));
    }

    /// <summary>Keeps what the run prints and cancels it at the first line <paramref name="trigger"/> accepts (the epoch's log line, written after its checkpoint).</summary>
    private sealed class CancellingWriter(Func<string, bool> trigger, CancellationTokenSource cancellation) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value is not null && trigger(value)) cancellation.Cancel();
        }
    }
}
