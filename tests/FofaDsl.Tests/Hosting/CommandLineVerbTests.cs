using System.Globalization;
using System.Text.Json;
using FofaDsl.Hosting;
using FofaDsl.Reporting;
using FofaDsl.Tests.Generated;
using FofaDsl.Tests.Reporting;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Hosting;

/// <summary>The generated program's verbs end to end on <see cref="TinyExperiment"/>.</summary>
[Collection(TorchCollection.Name)]
public sealed class CommandLineVerbTests(TrainedTinyRun run) : IClassFixture<TrainedTinyRun>, IDisposable
{
    private readonly string scratch = Path.Combine(Path.GetTempPath(), "fofa-verb-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
    }

    [Fact]
    public void Train_writes_checkpoints_exports_and_a_row_per_step_without_the_results_table()
    {
        foreach (var file in new[] { "checkpoints/fofa/best.ckpt", "checkpoints/fofa/last.ckpt", "student-fofa.safetensors", "teacher.safetensors", "metrics-fofa.csv", "manifest.json" })
            Assert.True(File.Exists(Path.Combine(run.Folder, file)), file);
        Assert.Empty(Directory.GetFiles(run.Folder, "results-*.csv"));
        Assert.DoesNotContain("| model", run.Log);

        // 16 images, batch 8: two steps, each a row whose total is the sum of its (weighted) terms.
        var lines = File.ReadAllLines(Path.Combine(run.Folder, "steps-fofa.csv"));
        var header = lines[0].Split(',');
        Assert.Equal(["step", "epoch", "learning_rate", "total"], header[..4]);
        Assert.Equal("images_per_second", header[^1]);
        Assert.Contains("ce", header);
        Assert.Contains("feature", header);
        Assert.Equal(3, lines.Length);
        foreach (var (line, step) in lines[1..].Select((l, i) => (l.Split(','), i + 1)))
        {
            Assert.Equal(step.ToString(CultureInfo.InvariantCulture), line[0]);
            var numbers = line[3..^1].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(numbers[0], numbers[1..].Sum(), 3);
        }
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run.Folder, "steps-teacher.csv")).Length);
    }

    [Fact]
    public async Task Resuming_a_finished_run_says_it_finished_instead_of_naming_an_epoch_past_the_last()
    {
        await HostRun.Succeeds(TinyScratchExperiment.Definition, "train", "--out", scratch);

        var output = await HostRun.Succeeds(TinyScratchExperiment.Definition, "resume", "--out", scratch);

        Assert.Contains("finished all 1 epochs", output);
        Assert.DoesNotContain("at epoch 2", output);
    }

    [Fact]
    public async Task A_truncated_last_checkpoint_says_how_to_continue_and_the_advice_works()
    {
        await HostRun.Succeeds(TinyScratchExperiment.Definition, "train", "--out", scratch);
        var last = Path.Combine(scratch, "checkpoints", "scratch", "last.ckpt");
        var best = Path.Combine(scratch, "checkpoints", "scratch", "best.ckpt");
        var bytes = File.ReadAllBytes(last);
        File.WriteAllBytes(last, bytes[..(bytes.Length - 100)]);

        var (code, _, error) = await HostRun.Run(TinyScratchExperiment.Definition, "resume", "--out", scratch);
        Assert.Equal(1, code);
        Assert.Contains($"Checkpoint '{last}' is truncated", error);
        Assert.Contains($"cp '{best}' '{last}'", error);

        File.Copy(best, last, overwrite: true);
        await HostRun.Succeeds(TinyScratchExperiment.Definition, "resume", "--out", scratch);
    }

    [Fact]
    public async Task Eval_without_a_checkpoint_takes_the_last_method_the_run_trained_not_the_last_declared()
    {
        // TinyExperiment declares fofa last; this run trained only scratch.
        await HostRun.Succeeds(TinyExperiment.Definition, "train", "--out", scratch, "--methods", "scratch");

        var (code, output, error) = await HostRun.Run(TinyExperiment.Definition, "eval", "--out", scratch);

        Assert.True(code == 0, error);
        Assert.Contains($"eval scratch from {Path.Combine(scratch, "checkpoints", "scratch", "best.ckpt")}", output);
    }

    [Fact]
    public async Task Eval_of_the_best_checkpoint_prints_the_top1_of_the_training_runs_final_evaluation()
    {
        var trained = HostRun.Top1(run.Log, "fofa: ");
        var metrics = File.ReadAllLines(Path.Combine(run.Folder, "metrics-fofa.csv"));
        var top1Column = Array.IndexOf(metrics[0].Split(','), "top1");
        var logged = double.Parse(metrics[^1].Split(',')[top1Column], CultureInfo.InvariantCulture);
        Assert.Equal((logged * 100).ToString("F2", CultureInfo.InvariantCulture), trained);

        var (code, output, error) = await HostRun.Run(TinyExperiment.Definition, "eval", "--checkpoint", run.BestFofa, "--out", run.Folder);
        Assert.True(code == 0, error);
        Assert.Equal(trained, HostRun.Top1(output, "eval fofa"));
        Assert.Contains("top-5", output);

        // Without --checkpoint: the last declared method's (fofa's) best checkpoint in --out.
        var (defaultCode, defaultOutput, _) = await HostRun.Run(TinyExperiment.Definition, "eval", "--out", run.Folder);
        Assert.Equal(0, defaultCode);
        Assert.Equal(trained, HostRun.Top1(defaultOutput, "eval fofa"));
    }

    [Fact]
    public async Task Export_writes_a_safetensors_student_with_the_checkpoints_logits()
    {
        var target = Path.Combine(scratch, "exported.safetensors");
        var (code, _, error) = await HostRun.Run(TinyExperiment.Definition, "export", "--checkpoint", run.BestFofa, "--to", target, "--out", run.Folder);
        Assert.True(code == 0, error);

        manual_seed(77);
        using var fresh = TinyExperiment.CreateStudent();
        using var untrained = TinyExperiment.CreateStudent();
        ModelWeights.Load(fresh, target);
        var context = new CommandContext(TinyExperiment.Definition with { OutputDirectory = run.Folder }, new RunOptions(), CPU, TextWriter.Null, default);
        using var restored = MethodCheckpoint.Restore(context, run.BestFofa, "fofa", trainingSamples: 16);
        fresh.eval();
        untrained.eval();
        using var scope = NewDisposeScope();
        using var images = randn(3, 1, 28, 28);
        var expected = restored.Step.Student.call(images);
        Assert.True(fresh.call(images).allclose(expected, rtol: 1e-5, atol: 1e-6));
        Assert.False(untrained.call(images).allclose(expected, rtol: 1e-3, atol: 1e-3));
    }

    [Fact]
    public async Task Eval_with_attention_maps_writes_a_PNG_strip_per_image_and_refuses_a_method_without_RAA()
    {
        var (code, output, error) = await HostRun.Run(TinyExperiment.Definition, "eval", "--checkpoint", run.BestFofa, "--attention-maps", "2", "--out", scratch);
        Assert.True(code == 0, error);
        var maps = Directory.GetFiles(Path.Combine(scratch, "attention"), "*.png").Order().ToArray();
        Assert.Equal(["fofa-000.png", "fofa-001.png"], maps.Select(Path.GetFileName));
        foreach (var map in maps)
        {
            using var png = PngFile.Decode(map);
            Assert.Equal((RegionAttentionFigure.Panels * 256, 256), (png.Width, png.Height));
        }
        Assert.Contains("attention maps", output);

        var teacher = Path.Combine(run.Folder, "checkpoints", "teacher", "best.ckpt");
        var (refused, _, message) = await HostRun.Run(TinyExperiment.Definition, "eval", "--checkpoint", teacher, "--attention-maps", "1", "--out", scratch);
        Assert.Equal(2, refused);
        Assert.Contains("--attention-maps", message);
        Assert.Contains("'teacher' has none", message);

        var (withWeights, _, weightsMessage) = await HostRun.Run(TinyExperiment.Definition, "eval", "--weights", Path.Combine(run.Folder, "student-fofa.safetensors"), "--attention-maps", "1");
        Assert.Equal(2, withWeights);
        Assert.Contains("needs --checkpoint", weightsMessage);
    }

    [Fact]
    public async Task A_checkpoint_of_another_experiment_is_refused_naming_both_and_left_untouched()
    {
        var before = File.ReadAllBytes(run.BestFofa);
        var written = File.GetLastWriteTimeUtc(run.BestFofa);

        var (code, _, error) = await HostRun.Run(TinyReverseExperiment.Definition, "eval", "--checkpoint", run.BestFofa, "--out", scratch);
        Assert.Equal(1, code);
        Assert.Contains("TinyExperiment", error);
        Assert.Contains("not to experiment TinyReverseExperiment", error);

        var target = Path.Combine(scratch, "foreign.safetensors");
        var (exportCode, _, _) = await HostRun.Run(TinyReverseExperiment.Definition, "export", "--checkpoint", run.BestFofa, "--to", target);
        Assert.Equal(1, exportCode);
        Assert.False(File.Exists(target));
        Assert.Equal(before, File.ReadAllBytes(run.BestFofa));
        Assert.Equal(written, File.GetLastWriteTimeUtc(run.BestFofa));
    }

    [Fact]
    public async Task Resume_continues_a_train_run_in_its_folder_and_the_steps_file_repeats_no_step()
    {
        string[] Steps() => File.ReadAllLines(Path.Combine(scratch, "steps-scratch.csv")).Skip(1).Select(l => l.Split(',')[0]).ToArray();
        Assert.Equal(0, (await HostRun.Run(TinyExperiment.Definition, "train", "--methods", "scratch", "--out", scratch, "--train-limit", "16")).ExitCode);
        Assert.Equal(["1", "2"], Steps());

        // resume reads the run's verb and methods from its manifest; a second epoch continues from the last checkpoint.
        var (code, output, error) = await HostRun.Run(TinyExperiment.Definition, "resume", "--out", scratch, "--train-limit", "16", "--epochs", "2");
        Assert.True(code == 0, error);
        Assert.Contains("resumed from", output);
        Assert.StartsWith("scratch: top-1", output.Split('\n').Single(l => l.StartsWith("scratch:", StringComparison.Ordinal)));
        Assert.Equal(["1", "2", "3", "4"], Steps());

        // Resuming a finished run trains nothing and writes no step again (the --resume flag is the same verb).
        Assert.Equal(0, (await HostRun.Run(TinyExperiment.Definition, "train", "--resume", "--methods", "scratch", "--out", scratch, "--train-limit", "16", "--epochs", "2")).ExitCode);
        Assert.Equal(["1", "2", "3", "4"], Steps());
        Assert.Empty(Directory.GetFiles(scratch, "results-*.csv"));

        var (nothing, _, message) = await HostRun.Run(TinyExperiment.Definition, "resume", "--out", Path.Combine(scratch, "empty"));
        Assert.Equal(1, nothing);
        Assert.Contains("Nothing to resume", message);
    }

    [Fact]
    public async Task Overrides_reach_the_run_and_its_manifest_a_plain_resume_continues_with_them_and_a_differing_one_is_refused_naming_them()
    {
        string[] settings = ["--optimizer", "sgd", "--momentum", "0.5", "--ema-decay", "0.9", "--augmentation", "none", "--lr", "0.0001"];
        var (code, trained, error) = await HostRun.Run(TinyExperiment.Definition, ["train", "--methods", "scratch", "--out", scratch, "--train-limit", "16", .. settings]);
        Assert.True(code == 0, error);
        var manifestPath = Path.Combine(scratch, "manifest.json");
        using (var manifest = JsonDocument.Parse(File.ReadAllText(manifestPath)))
        {
            var schedule = manifest.RootElement.GetProperty("schedule");
            Assert.Equal("Sgd", schedule.GetProperty("Optimizer").GetString());
            Assert.Equal(0.5, schedule.GetProperty("Momentum").GetDouble());
            Assert.Equal(0.9, schedule.GetProperty("EmaDecay").GetDouble());
            Assert.Equal(0.0001, schedule.GetProperty("LearningRate").GetDouble());
            // The declared minimum (1e-5) is below the lowered peak, so it stays.
            Assert.Equal(1e-5, schedule.GetProperty("MinLearningRate").GetDouble());
            Assert.Equal("None", manifest.RootElement.GetProperty("data").GetProperty("Augmentation").GetString());
        }

        // eval rebuilds the run's optimizer and EMA from the checkpoint, so the overrides need not be repeated; it sees the EMA weights the run evaluated.
        var best = Path.Combine(scratch, "checkpoints", "scratch", "best.ckpt");
        var (evalCode, evaluated, evalError) = await HostRun.Run(TinyExperiment.Definition, "eval", "--checkpoint", best, "--out", scratch);
        Assert.True(evalCode == 0, evalError);
        Assert.Equal(HostRun.Top1(trained, "scratch: "), HostRun.Top1(evaluated, "eval scratch"));

        // A resume that asks for another optimizer, augmentation and learning rate is refused before anything is written;
        // the settings it leaves out (momentum, EMA, train limit) are the run's, so they are not named.
        var last = Path.Combine(scratch, "checkpoints", "scratch", "last.ckpt");
        var stepsPath = Path.Combine(scratch, "steps-scratch.csv");
        var (checkpoint, manifestText, steps) = (File.ReadAllBytes(last), File.ReadAllText(manifestPath), File.ReadAllText(stepsPath));
        var (refused, _, message) = await HostRun.Run(TinyExperiment.Definition, "resume", "--out", scratch, "--optimizer", "adamw", "--augmentation", "flip", "--lr", "0.001", "--epochs", "2");
        Assert.Equal(2, refused);
        Assert.Contains("it was trained with --optimizer Sgd --lr 0.0001 --augmentation None, and this run has --optimizer AdamW --lr 0.001 --augmentation Flip.", message);
        Assert.Contains("The checkpoint was left as it is.", message);
        Assert.Equal(checkpoint, File.ReadAllBytes(last));
        Assert.Equal(manifestText, File.ReadAllText(manifestPath));
        Assert.Equal(steps, File.ReadAllText(stepsPath));

        // A plain resume (lengthened by --epochs, which a resume may change) continues with the run's settings and names
        // those that are not the declaration's (AdamW at 1e-3, momentum 0.9, no EMA, 32 images, flips).
        var (resumed, output, resumeError) = await HostRun.Run(TinyExperiment.Definition, "resume", "--out", scratch, "--epochs", "2");
        Assert.True(resumed == 0, resumeError);
        Assert.Contains("resume: continuing with the run's --optimizer Sgd --lr 0.0001 --momentum 0.5 --ema-decay 0.9 --train-limit 16 --augmentation None",
            output.Split('\n').Select(l => l.TrimEnd('\r')));
        Assert.Contains("resumed from", output);
        using (var manifest = JsonDocument.Parse(File.ReadAllText(manifestPath)))
        {
            var schedule = manifest.RootElement.GetProperty("schedule");
            Assert.Equal(2, schedule.GetProperty("Epochs").GetInt32());
            Assert.Equal("Sgd", schedule.GetProperty("Optimizer").GetString());
            Assert.Equal(0.9, schedule.GetProperty("EmaDecay").GetDouble());
            Assert.Equal(16, manifest.RootElement.GetProperty("data").GetProperty("TrainLimit").GetInt32());
            Assert.Equal("None", manifest.RootElement.GetProperty("data").GetProperty("Augmentation").GetString());
        }
        // 16 images in batches of 8: two steps an epoch, four in all (32 images would make eight), none above SGD's peak of 1e-4.
        var rows = File.ReadAllLines(stepsPath)[1..].Select(l => l.Split(',')).ToList();
        Assert.Equal(["1", "2", "3", "4"], rows.Select(r => r[0]));
        Assert.All(rows, r => Assert.InRange(double.Parse(r[2], CultureInfo.InvariantCulture), 0, 1e-4));
    }

    [Theory]
    [InlineData("--min-lr 0.5 is above the peak learning rate 0.001 (the declared LearningRate)", "train", "--min-lr", "0.5")]
    [InlineData("--optimizer needs one of AdamW, Sgd, got 'adam'.", "train", "--optimizer", "adam")]
    [InlineData("--epochs needs a positive integer, got '0'.", "train", "--epochs", "0")]
    [InlineData("TinyExperiment declares: scratch, kd", "train", "--methods", "fofa,crd2")]
    [InlineData("Unknown method 'nope' in --method", "eval", "--method", "nope")]
    [InlineData("Unknown command 'fit'. Commands: compare, train, resume, eval, check, export.", "fit")]
    [InlineData("Unknown option '--to'", "eval", "--to", "x.safetensors")]
    [InlineData("not both", "eval", "--checkpoint", "a.ckpt", "--weights", "b.safetensors")]
    [InlineData("export writes safetensors", "export", "--to", "student.bin")]
    public async Task Bad_arguments_exit_with_2_and_say_what_is_wrong(string message, params string[] args)
    {
        var (code, _, error) = await HostRun.Run(TinyExperiment.Definition, args);
        Assert.Equal(2, code);
        Assert.Contains(message, error);
    }

    [Fact]
    public async Task Help_lists_the_verbs_and_each_verbs_options()
    {
        var (code, output, _) = await HostRun.Run(TinyExperiment.Definition, "--help");
        Assert.Equal(0, code);
        foreach (var verb in ExperimentCommandLine.Commands) Assert.Contains(verb, output);
        var (evalCode, evalHelp, _) = await HostRun.Run(TinyExperiment.Definition, "eval", "--help");
        Assert.Equal(0, evalCode);
        Assert.Contains("--attention-maps", evalHelp);
        Assert.Contains("--batch-size", evalHelp);
        foreach (var option in new[] { "--optimizer", "--min-lr", "--weight-decay", "--momentum", "--warmup-epochs", "--decay", "--decay-every", "--decay-factor", "--grad-clip", "--ema-decay", "--augmentation" })
            Assert.Contains(option, output);
        Assert.Contains("AdamW, Sgd", output);
    }
}
