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
            Assert.Contains($"interrupted: scratch (Scratch) stopped after step 2 (epoch 2); {Path.Combine(split, "checkpoints", "scratch", "last.ckpt")} holds the run up to there.", errors.ToString());
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

    [Fact]
    public async Task Compare_over_seeds_trains_the_teacher_once_summarises_against_scratch_and_resumes_after_an_interruption()
    {
        string[] compare = ["compare", "--methods", "scratch,kd", "--seeds", "3,4", "--train-limit", "16", "--augmentation", "none"];
        var straight = Path.Combine(output, "seeds");
        var log = await HostRun.Succeeds(TinyExperiment.Definition, [.. compare, "--out", straight]);
        Assert.Contains("seeds 3,4", log);

        // One results row per seed and run after the teacher's; the teacher was trained once, with the first seed.
        var rows = File.ReadAllLines(Directory.GetFiles(straight, "results-*.csv").Single());
        Assert.Equal("model,method,seed,top1,wall_seconds", rows[0]);
        // From the end: the model's description has commas of its own.
        var fields = rows[1..].Select(r => r.Split(',')[^4..]).ToList();
        Assert.Equal(["\"Supervised\"", "\"scratch (Scratch)\"", "\"kd (Logit KD)\"", "\"scratch (Scratch)\"", "\"kd (Logit KD)\""], fields.Select(f => f[0]));
        Assert.Equal(["3", "3", "3", "4", "4"], fields.Select(f => f[1]));
        double Top1(int row) => double.Parse(fields[row - 1][2], System.Globalization.CultureInfo.InvariantCulture);
        foreach (var run in new[] { "scratch-seed3", "kd-seed3", "scratch-seed4", "kd-seed4" })
        {
            Assert.True(File.Exists(Path.Combine(straight, "checkpoints", run, "last.ckpt")), run);
            Assert.True(File.Exists(Path.Combine(straight, $"student-{run}.safetensors")), run);
        }

        // The summary's difference is kd minus scratch, seed by seed, from the rows above.
        var summary = File.ReadAllLines(Path.Combine(straight, "seeds-summary.csv"));
        Assert.Equal(3, summary.Length);
        var kd = summary[2].Split(',');
        Assert.Equal("\"kd\"", kd[0]);
        var expectedDelta = (Top1(3) - Top1(2) + Top1(5) - Top1(4)) / 2;
        // The rows round top-1 to 4 decimals, the summary to 6.
        Assert.Equal(expectedDelta, double.Parse(kd[4], System.Globalization.CultureInfo.InvariantCulture), tolerance: 1e-4);
        Assert.Contains("Δ vs scratch [95 % CI]", log);

        // A one-seed run with --seed 4 gives the second seed's numbers: the seed is the whole difference between rows.
        var single = Path.Combine(output, "seed4");
        await HostRun.Succeeds(TinyExperiment.Definition, ["compare", "--methods", "scratch", "--seed", "4", "--train-limit", "16", "--augmentation", "none", "--out", single]);
        var singleRow = File.ReadAllLines(Directory.GetFiles(single, "results-*.csv").Single())[1].Split(',')[^4..];
        Assert.Equal(fields[3][2], singleRow[2]);

        // Interrupted in the second seed, then resumed with nothing but the folder: the same summary as the straight run.
        var split = Path.Combine(output, "seeds-split");
        using (var cancellation = new CancellationTokenSource())
        using (var writer = new CancellingWriter(line => line.StartsWith("held-out top-1 (%) over the seeds up to 3", StringComparison.Ordinal), cancellation))
        using (var errors = new StringWriter())
        {
            var code = await ExperimentHost.RunAsync(TinyExperiment.Definition, [.. compare, "--out", split], writer, errors, cancellation.Token);
            Assert.True(code == ExperimentHost.Interrupted, errors.ToString());
        }
        Assert.False(File.Exists(Path.Combine(split, "student-kd-seed4.safetensors")));
        var resumed = await HostRun.Succeeds(TinyExperiment.Definition, "resume", "--out", split);
        Assert.Contains("seeds 3,4", resumed);
        Assert.Equal(summary, File.ReadAllLines(Path.Combine(split, "seeds-summary.csv")));
    }

    [Theory]
    [InlineData(new[] { "compare", "--seeds", "1,1" }, "lists a seed twice")]
    [InlineData(new[] { "compare", "--seeds", "1,x" }, "got 'x'")]
    [InlineData(new[] { "compare", "--seeds", "1,2", "--seed", "3" }, "--seed and --seeds were both given")]
    [InlineData(new[] { "train", "--seeds", "1,2" }, "Unknown option '--seeds'")]
    public async Task Bad_seed_lists_are_usage_errors(string[] args, string message)
    {
        var (code, _, error) = await HostRun.Run(TinyExperiment.Definition, [.. args, "--out", Path.Combine(output, "bad")]);
        Assert.Equal(2, code);
        Assert.Contains(message, error);
        Assert.False(Directory.Exists(Path.Combine(output, "bad")));
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
