using FofaDsl.Hosting;
using FofaDsl.Training;

namespace FofaDsl.Tests.Hosting;

public sealed class RunOptionsTests
{
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
        var applied = options.Apply(declared);
        Assert.Equal(declared with { Epochs = 7, BatchSize = 32, LearningRate = 0.5 }, applied);
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
