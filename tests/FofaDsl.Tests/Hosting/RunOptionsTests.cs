using FofaDsl.Hosting;
using FofaDsl.Tests.Generated;
using FofaDsl.Training;

namespace FofaDsl.Tests.Hosting;

public sealed class RunOptionsTests
{
    private static ExperimentDefinition With(TrainingSchedule schedule, DataSettings? data = null) =>
        TinyExperiment.Definition with { Schedule = schedule, Data = data ?? TinyExperiment.Definition.Data };

    [Fact]
    public void Options_override_the_declared_schedule()
    {
        var options = RunOptions.Parse(["check", "--epochs", "7", "--batch-size", "32", "--lr", "0.5", "--methods", "FOFA, kd", "--data", "/d"]);
        Assert.Equal("check", options.Command);
        Assert.Equal(["fofa", "kd"], options.Methods);
        Assert.Equal("/d", options.DataPath);
        Assert.Null(options.Device);
        Assert.True(options.AllowTf32);

        var declared = new TrainingSchedule(3, 64, OptimizerKind.Sgd, 0.1, 0.01, 0.0, 0.9, 1);
        var applied = options.Apply(With(declared));
        Assert.Equal(declared with { Epochs = 7, BatchSize = 32, LearningRate = 0.5 }, applied.Schedule);
        Assert.Equal("/d", applied.Data.Path);
    }

    [Fact]
    public void Every_schedule_and_data_setting_is_overridable()
    {
        var options = RunOptions.Parse(["train", "--optimizer", "SGD", "--min-lr", "0.002", "--weight-decay", "0", "--momentum", "0.8", "--warmup-epochs", "3",
            "--decay", "step", "--decay-every", "5", "--decay-factor", "0.5", "--grad-clip", "2.5", "--ema-decay", "0.99", "--augmentation", "vit-recipe", "--train-limit", "64"]);

        var declared = new TrainingSchedule(3, 64, OptimizerKind.AdamW, 0.1, 0.01, 0.05, 0.9, 1);
        var expected = new TrainingSchedule(3, 64, OptimizerKind.Sgd, 0.1, 0.002, 0.0, 0.8, 3)
        {
            Decay = LearningRateDecay.Step,
            DecayEveryEpochs = 5,
            DecayFactor = 0.5,
            GradientClip = 2.5,
            EmaDecay = 0.99,
        };
        var data = new DataSettings(DatasetKind.Cifar10, "/declared", 32, 0, 10, AugmentationKind.Flip);
        var applied = options.Apply(With(declared, data));
        Assert.Equal(expected, applied.Schedule);
        Assert.Equal(data with { TrainLimit = 64, Augmentation = AugmentationKind.VitRecipe }, applied.Data);
        // Nothing given: the declaration stays as it is.
        var unchanged = RunOptions.Parse([]).Apply(With(declared, data));
        Assert.Equal((declared, data), (unchanged.Schedule, unchanged.Data));
        // The run options too.
        var run = RunOptions.Parse(["--seed", "5", "--teacher-epochs", "9", "--teacher-weights", "/t", "--student-weights", "/s", "--checkpoint-every", "40"]).Apply(With(declared));
        Assert.Equal((5, 9, "/t", "/s", 40), (run.Seed, run.TeacherEpochs, run.TeacherWeights, run.StudentWeights, run.CheckpointEverySteps));
    }

    [Theory]
    [InlineData("adamw", OptimizerKind.AdamW)]
    [InlineData("Sgd", OptimizerKind.Sgd)]
    [InlineData("ADAM_W", OptimizerKind.AdamW)]
    public void Choices_are_read_without_regard_to_case_dashes_or_underscores(string text, OptimizerKind expected)
    {
        Assert.Equal(expected, RunOptions.Parse(["--optimizer", text]).Optimizer);
        Assert.Equal(AugmentationKind.CnnRecipe, RunOptions.Parse(["--augmentation", "CNN-recipe"]).Augmentation);
        Assert.Equal(AugmentationKind.None, RunOptions.Parse(["--augmentation", "none"]).Augmentation);
        Assert.Equal(LearningRateDecay.Cosine, RunOptions.Parse(["--decay", "COSINE"]).Decay);
    }

    [Fact]
    public void A_lowered_lr_lowers_the_declared_minimum_but_an_explicit_min_lr_above_the_peak_is_refused()
    {
        var declared = new TrainingSchedule(3, 64, OptimizerKind.AdamW, 0.1, 0.01, 0.05, 0.9, 1);
        Assert.Equal(0.001, RunOptions.Parse(["--lr", "0.001"]).Apply(With(declared)).Schedule.MinLearningRate);
        Assert.Equal(0.01, RunOptions.Parse(["--lr", "0.5"]).Apply(With(declared)).Schedule.MinLearningRate);
        // Explicit: kept as given, not clamped.
        var explicitPair = RunOptions.Parse(["--lr", "0.001", "--min-lr", "0.0005"]).Apply(With(declared)).Schedule;
        Assert.Equal((0.001, 0.0005), (explicitPair.LearningRate, explicitPair.MinLearningRate));
        Assert.Equal(0.05, RunOptions.Parse(["--min-lr", "0.05"]).Apply(With(declared)).Schedule.MinLearningRate);

        Assert.Equal("--min-lr 0.5 is above the peak learning rate 0.001 (--lr): lower --min-lr or raise --lr.",
            Assert.Throws<ArgumentException>(() => RunOptions.Parse(["--lr", "0.001", "--min-lr", "0.5"]).Apply(With(declared))).Message);
        Assert.Equal("--min-lr 0.2 is above the peak learning rate 0.1 (the declared LearningRate): lower --min-lr or raise --lr.",
            Assert.Throws<ArgumentException>(() => RunOptions.Parse(["--min-lr", "0.2"]).Apply(With(declared))).Message);
    }

    [Fact]
    public void Device_options_parse()
    {
        var options = RunOptions.Parse(["--device", "cuda:1", "--no-tf32"]);
        Assert.Equal("cuda:1", options.Device);
        Assert.False(options.AllowTf32);
    }

    [Fact]
    public void Devices_resolve_and_cuda_without_a_gpu_says_how_to_get_one()
    {
        Assert.Equal(TorchSharp.DeviceType.CPU, DeviceSelection.Resolve("cpu").type);
        var auto = DeviceSelection.Resolve("auto");
        Assert.Equal(TorchSharp.torch.cuda.is_available() ? TorchSharp.DeviceType.CUDA : TorchSharp.DeviceType.CPU, auto.type);
        Assert.Contains("auto, cpu, cuda or cuda:N", Assert.Throws<ArgumentException>(() => DeviceSelection.Resolve("tpu")).Message);
        if (!TorchSharp.torch.cuda.is_available())
            Assert.Contains("TORCH_BACKEND=cuda", Assert.Throws<ArgumentException>(() => DeviceSelection.Resolve("cuda:0")).Message);
    }

    [Fact]
    public void Methods_are_chosen_from_the_declared_ones_in_the_given_order()
    {
        var definition = Generated.TinyExperiment.Definition;
        Assert.Equal(definition.Methods.Select(m => m.Name), RunOptions.Parse([]).SelectMethods(definition).Select(m => m.Name));
        Assert.Equal(["fofa", "kd"], RunOptions.Parse(["--methods", "FOFA,kd"]).SelectMethods(definition).Select(m => m.Name));
        var error = Assert.Throws<ArgumentException>(() => RunOptions.Parse(["--methods", "kd,crd2"]).SelectMethods(definition));
        Assert.StartsWith("Unknown method(s) crd2 in --methods. TinyExperiment declares: scratch, kd", error.Message);
    }

    [Theory]
    [InlineData("Required argument missing for option: '--epochs'.", "--epochs")]
    [InlineData("--epochs needs a positive integer, got 'x'.", "--epochs", "x")]
    [InlineData("--train-limit needs a non-negative integer, got '-3'.", "train", "--train-limit", "-3")]
    [InlineData("--lr needs a positive number, got '0'.", "--lr", "0")]
    [InlineData("Unknown option '--fast'. Run with --help for the list.", "--fast")]
    [InlineData("Unknown option '--checkpoint'. Run with --help for the list.", "train", "--checkpoint")]
    [InlineData("Unknown command 'fit'. Commands: compare, train, resume, eval, check, export.", "fit")]
    [InlineData("--attention-maps needs a positive integer, got '0'.", "eval", "--attention-maps", "0")]
    [InlineData("--lr needs a positive number, got 'NaN'.", "--lr", "NaN")]
    [InlineData("--optimizer needs one of AdamW, Sgd, got 'adam'.", "--optimizer", "adam")]
    [InlineData("--optimizer needs one of AdamW, Sgd, got '1'.", "--optimizer", "1")]
    [InlineData("--augmentation needs one of Flip, None, CnnRecipe, VitRecipe, got 'crop'.", "train", "--augmentation", "crop")]
    [InlineData("--decay needs one of Cosine, Step, got 'linear'.", "--decay", "linear")]
    [InlineData("--min-lr needs a non-negative number, got '-0.1'.", "--min-lr", "-0.1")]
    [InlineData("--weight-decay needs a non-negative number, got 'x'.", "--weight-decay", "x")]
    [InlineData("--momentum needs a number in [0, 1), got '1'.", "--momentum", "1")]
    [InlineData("--warmup-epochs needs a non-negative integer, got '-1'.", "--warmup-epochs", "-1")]
    [InlineData("--decay-every needs a positive integer, got '0'.", "--decay-every", "0")]
    [InlineData("--decay-factor needs a number in (0, 1], got '0'.", "--decay-factor", "0")]
    [InlineData("--decay-factor needs a number in (0, 1], got '1.5'.", "--decay-factor", "1.5")]
    [InlineData("--grad-clip needs a non-negative number (0 = off), got '-1'.", "--grad-clip", "-1")]
    [InlineData("--grad-clip needs a non-negative number (0 = off), got 'Infinity'.", "--grad-clip", "Infinity")]
    [InlineData("--ema-decay needs 0 (off) or a number in (0, 1), got '1'.", "--ema-decay", "1")]
    [InlineData("--ema-decay needs 0 (off) or a number in (0, 1), got '-0.5'.", "check", "--ema-decay", "-0.5")]
    public void Bad_arguments_say_what_is_wrong(string message, params string[] args)
    {
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => RunOptions.Parse(args)).Message);
    }

    [Fact]
    public void Every_verb_parses_and_shared_options_go_before_or_after_it()
    {
        Assert.Equal("compare", RunOptions.Parse(["--epochs", "2"]).Command);
        foreach (var verb in new[] { "compare", "train", "resume", "eval", "check", "export" })
        {
            var after = RunOptions.Parse([verb, "--epochs", "2", "--out", "o"]);
            var before = RunOptions.Parse(["--epochs", "2", "--out", "o", verb]);
            Assert.Equal(verb, after.Command);
            Assert.Equal(after, before);
            Assert.Equal(2, after.Epochs);
            Assert.Equal(verb == "resume", after.Resume);
        }
    }

    [Fact]
    public void The_resume_flag_stays_an_alias_and_eval_and_export_take_their_own_options()
    {
        Assert.True(RunOptions.Parse(["--resume"]).Resume);
        Assert.True(RunOptions.Parse(["train", "--resume", "--methods", "kd"]).Resume);
        Assert.False(RunOptions.Parse(["train"]).Resume);

        var eval = RunOptions.Parse(["eval", "--checkpoint", "c.ckpt", "--method", "FOFA", "--attention-maps", "3", "--batch-size", "16"]);
        Assert.Equal(("c.ckpt", "fofa", 3, 16), (eval.Checkpoint, eval.Method, eval.AttentionMaps, eval.BatchSize));
        Assert.Equal("w.safetensors", RunOptions.Parse(["eval", "--weights", "w.safetensors"]).Weights);
        var export = RunOptions.Parse(["export", "--checkpoint", "c.ckpt", "--to", "s.safetensors"]);
        Assert.Equal(("export", "c.ckpt", "s.safetensors"), (export.Command, export.Checkpoint, export.ExportTo));
        Assert.True(RunOptions.Parse(["eval", "--help"]).Help);
    }
}
