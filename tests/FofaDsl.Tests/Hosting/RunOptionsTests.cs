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
    [InlineData("Option --epochs needs a value.", "--epochs")]
    [InlineData("--epochs needs a positive integer, got 'x'.", "--epochs", "x")]
    [InlineData("Unknown option '--fast'. Run with --help for the list.", "--fast")]
    [InlineData("Unknown command 'train'. Commands: compare, check.", "train")]
    public void Bad_arguments_say_what_is_wrong(string message, params string[] args)
    {
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => RunOptions.Parse(args)).Message);
    }
}
