using System.Text.RegularExpressions;
using FofaDsl.Backbones;
using FofaDsl.Weights;
using TorchSharp;
using TorchSharp.PyBridge;

namespace FofaDsl.Tests.Weights;

/// <summary>Swin checkpoints load in both timm layouts: 0.6 (merging at the end of a layer) and 0.9+.</summary>
[Collection(TorchCollection.Name)]
public sealed class SwinCheckpointLayoutTests
{
    private static SwinTransformer Small(int seed)
    {
        torch.manual_seed(seed);
        return new SwinTransformer(SwinTransformerOptions.Pico(10, 32, 3) with { PatchSize = 2, EmbedDim = 16, WindowSize = 2, Depths = [1, 1, 1, 1], Heads = [1, 2, 2, 4] });
    }

    [Fact]
    public void A_timm_0_6_checkpoint_loads_into_the_current_layout()
    {
        using var folder = new TempFolder();
        var path = folder.File("swin-legacy.pth");
        using var source = Small(1);
        // Write the old layout: layers.{i}.downsample -> layers.{i-1}.downsample, head.fc -> head.
        var legacy = source.state_dict().ToDictionary(
            kv => Regex.Replace(kv.Key, @"^layers\.(\d)\.downsample", m => $"layers.{int.Parse(m.Groups[1].Value) - 1}.downsample").Replace("head.fc.", "head."),
            kv => kv.Value);
        Assert.Contains("layers.0.downsample.reduction.weight", legacy.Keys);
        PyTorchPickler.PickleStateDict(path, legacy);

        using var target = Small(2);
        var report = PretrainedWeights.Load(target, path);

        Assert.Equal(source.state_dict().Count, report.LoadedCount);
        foreach (var (name, tensor) in source.state_dict())
            Assert.True(tensor.equal(target.state_dict()[name]).all().item<bool>(), name);
    }

    [Fact]
    public void A_current_layout_checkpoint_is_left_as_it_is()
    {
        using var folder = new TempFolder();
        var path = folder.File("swin.safetensors");
        using var source = Small(3);
        source.save_safetensors(path);
        using var target = Small(4);
        PretrainedWeights.Load(target, path);
        Assert.True(source.state_dict()["layers.1.downsample.reduction.weight"].equal(target.state_dict()["layers.1.downsample.reduction.weight"]).all().item<bool>());
    }
}
