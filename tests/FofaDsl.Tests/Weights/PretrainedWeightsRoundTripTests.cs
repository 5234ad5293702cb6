using FofaDsl.Weights;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Weights;

[Collection(TorchCollection.Name)]
public sealed class PretrainedWeightsRoundTripTests
{
    [Theory]
    [InlineData("resnet.pth", WeightFileFormat.PyTorchZip)]
    [InlineData("resnet.safetensors", WeightFileFormat.Safetensors)]
    public void ResNet_checkpoint_loads_every_parameter_and_buffer(string fileName, WeightFileFormat format)
    {
        using var folder = new TempFolder();
        var path = folder.File(fileName);
        using var source = WeightsFixtures.SmallResNet(seed: 1);
        WeightsFixtures.RunTrainingForwards(source, steps: 3);
        if (format == WeightFileFormat.PyTorchZip) source.save_py(path);
        else source.save_safetensors(path);

        using var target = WeightsFixtures.SmallResNet(seed: 2);
        var expected = WeightsFixtures.Snapshot(source);
        Assert.True(WeightsFixtures.AnyDiffers(expected, WeightsFixtures.Snapshot(target)));

        var report = PretrainedWeights.Load(target, path);

        WeightsFixtures.AssertSameState(expected, target.state_dict());
        Assert.Equal(format, report.Format);
        Assert.Equal(expected.Count, report.LoadedCount);
        Assert.Empty(report.SkippedClassifierKeys);
        Assert.Empty(report.DroppedKeys);
        Assert.Empty(report.IgnoredUnexpectedKeys);
    }

    [Theory]
    [InlineData("vit.pt", WeightFileFormat.PyTorchZip)]
    [InlineData("vit.safetensors", WeightFileFormat.Safetensors)]
    public void VisionTransformer_checkpoint_loads_every_tensor(string fileName, WeightFileFormat format)
    {
        using var folder = new TempFolder();
        var path = folder.File(fileName);
        using var source = WeightsFixtures.SmallVit(seed: 3);
        if (format == WeightFileFormat.PyTorchZip) source.save_py(path);
        else source.save_safetensors(path);

        using var target = WeightsFixtures.SmallVit(seed: 4);
        var expected = WeightsFixtures.Snapshot(source);
        Assert.True(WeightsFixtures.AnyDiffers(expected, WeightsFixtures.Snapshot(target)));

        var report = PretrainedWeights.Load(target, path);

        WeightsFixtures.AssertSameState(expected, target.state_dict());
        Assert.Contains("pos_embed", report.LoadedKeys);
        Assert.Contains("cls_token", report.LoadedKeys);
        Assert.Equal(expected.Count, report.LoadedCount);
    }

    [Fact]
    public void BatchNorm_counters_load_as_int64()
    {
        using var folder = new TempFolder();
        var path = folder.File("counted.pth");
        using var source = WeightsFixtures.SmallResNet(seed: 5);
        WeightsFixtures.RunTrainingForwards(source, steps: 3);
        source.save_py(path);

        using var target = WeightsFixtures.SmallResNet(seed: 6);
        PretrainedWeights.Load(target, path);

        var counter = target.state_dict()["layer2.0.downsample.1.num_batches_tracked"];
        Assert.Equal(ScalarType.Int64, counter.dtype);
        // Three training-mode forwards, one count each.
        Assert.Equal(3L, counter.item<long>());
        var runningVar = target.state_dict()["bn1.running_var"];
        Assert.False(WeightsFixtures.Same(runningVar, ones_like(runningVar)), "running_var should carry the source's statistics, not the init of 1.");
    }

    [Fact]
    public void Float64_checkpoint_is_converted_to_the_models_float32()
    {
        using var folder = new TempFolder();
        var path = folder.File("double.safetensors");
        using var source = WeightsFixtures.SmallVit(seed: 7);
        var doubles = source.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().to(ScalarType.Float64));
        Safetensors.SaveStateDict(path, doubles);

        using var target = WeightsFixtures.SmallVit(seed: 8);
        PretrainedWeights.Load(target, path);

        foreach (var (name, expected) in source.state_dict())
        {
            Assert.Equal(ScalarType.Float32, target.state_dict()[name].dtype);
            // float32 -> float64 -> float32 is exact.
            Assert.True(WeightsFixtures.Same(expected, target.state_dict()[name]), $"'{name}' differs.");
        }
    }

    [Fact]
    public void Format_comes_from_the_content_not_the_extension()
    {
        using var folder = new TempFolder();
        var path = folder.File("really-safetensors.pt");
        using var source = WeightsFixtures.SmallVit(seed: 9);
        source.save_safetensors(path);

        using var target = WeightsFixtures.SmallVit(seed: 10);
        var report = PretrainedWeights.Load(target, path);

        Assert.Equal(WeightFileFormat.Safetensors, report.Format);
        WeightsFixtures.AssertSameState(WeightsFixtures.Snapshot(source), target.state_dict());
    }

    [Fact]
    public void Training_checkpoint_with_nested_state_dict_loads_the_nested_one()
    {
        using var folder = new TempFolder();
        var path = folder.File("train-checkpoint.pth.tar");
        using var source = WeightsFixtures.SmallVit(seed: 11);
        var checkpoint = new System.Collections.Hashtable
        {
            ["epoch"] = 90,
            ["state_dict"] = source.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value),
        };
        PyTorchPickler.PickleStateDict(path, checkpoint);

        using var target = WeightsFixtures.SmallVit(seed: 12);
        PretrainedWeights.Load(target, path);

        WeightsFixtures.AssertSameState(WeightsFixtures.Snapshot(source), target.state_dict());
    }
}
