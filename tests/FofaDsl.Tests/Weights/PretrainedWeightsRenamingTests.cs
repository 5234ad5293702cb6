using FofaDsl.Weights;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Weights;

[Collection(TorchCollection.Name)]
public sealed class PretrainedWeightsRenamingTests
{
    private static bool IsResNetHead(string key) => key.StartsWith("fc.", StringComparison.Ordinal);

    [Fact]
    public void SkipClassifier_loads_a_1000_class_checkpoint_into_a_10_class_model()
    {
        using var folder = new TempFolder();
        var path = folder.File("imagenet.pth");
        using var source = WeightsFixtures.SmallResNet(seed: 1, numClasses: 1000);
        WeightsFixtures.RunTrainingForwards(source, steps: 2);
        source.save_py(path);

        using var target = WeightsFixtures.SmallResNet(seed: 2, numClasses: 10);
        var initialHead = WeightsFixtures.Snapshot(target);

        var report = PretrainedWeights.Load(target, path, new WeightLoadOptions { SkipClassifier = true });

        WeightsFixtures.AssertSameState(WeightsFixtures.Snapshot(source), target.state_dict(), key => !IsResNetHead(key));
        WeightsFixtures.AssertSameState(initialHead, target.state_dict(), IsResNetHead);
        Assert.Equal(["fc.bias", "fc.weight"], report.SkippedClassifierKeys);
        Assert.Equal(["fc.bias", "fc.weight"], report.KeptInitializedKeys.Order());
        Assert.Equal(source.state_dict().Count - 2, report.LoadedCount);
    }

    [Fact]
    public void Without_SkipClassifier_a_head_of_another_class_count_fails_and_names_the_fix()
    {
        using var folder = new TempFolder();
        var path = folder.File("imagenet-vit.safetensors");
        using var source = WeightsFixtures.SmallVit(seed: 3, numClasses: 1000);
        source.save_safetensors(path);

        using var target = WeightsFixtures.SmallVit(seed: 4, numClasses: 10);
        var before = WeightsFixtures.Snapshot(target);

        var error = Assert.Throws<WeightLoadException>(() => PretrainedWeights.Load(target, path));

        Assert.Equal(["head.weight", "head.bias"], error.ShapeMismatches.Select(m => m.Name));
        Assert.Contains("head.weight: model [10, 8], file [1000, 8]", error.Message);
        Assert.Contains("SkipClassifier = true", error.Message);
        WeightsFixtures.AssertSameState(before, target.state_dict());

        PretrainedWeights.Load(target, path, new WeightLoadOptions { SkipClassifier = true });
        WeightsFixtures.AssertSameState(WeightsFixtures.Snapshot(source), target.state_dict(), key => !key.StartsWith("head.", StringComparison.Ordinal));
    }

    [Fact]
    public void SkipClassifier_also_loads_a_headless_feature_checkpoint()
    {
        using var folder = new TempFolder();
        var path = folder.File("features-only.safetensors");
        using var source = WeightsFixtures.SmallResNet(seed: 13);
        var headless = source.state_dict().Where(kv => !IsResNetHead(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        Safetensors.SaveStateDict(path, headless);

        using var target = WeightsFixtures.SmallResNet(seed: 14);
        var error = Assert.Throws<WeightLoadException>(() => PretrainedWeights.Load(target, path));
        Assert.Equal(["fc.weight", "fc.bias"], error.MissingKeys);
        Assert.Contains("SkipClassifier = true", error.Message);

        var report = PretrainedWeights.Load(target, path, new WeightLoadOptions { SkipClassifier = true });
        Assert.Empty(report.SkippedClassifierKeys);
        Assert.Equal(["fc.bias", "fc.weight"], report.KeptInitializedKeys.Order());
        WeightsFixtures.AssertSameState(WeightsFixtures.Snapshot(source), target.state_dict(), key => !IsResNetHead(key));
    }

    [Fact]
    public void StripPrefixes_unwraps_a_DistributedDataParallel_checkpoint()
    {
        using var folder = new TempFolder();
        var path = folder.File("ddp.pth");
        using var source = WeightsFixtures.SmallResNet(seed: 5);
        var wrapped = source.state_dict().ToDictionary(kv => "module." + kv.Key, kv => kv.Value);
        PyTorchPickler.PickleStateDict(path, wrapped);

        using var target = WeightsFixtures.SmallResNet(seed: 6);
        var error = Assert.Throws<WeightLoadException>(() => PretrainedWeights.Load(target, path));
        Assert.Contains("StripPrefixes = [\"module.\"]", error.Message);

        PretrainedWeights.Load(target, path, new WeightLoadOptions { StripPrefixes = ["module."] });
        WeightsFixtures.AssertSameState(WeightsFixtures.Snapshot(source), target.state_dict());
    }

    [Fact]
    public void StripPrefixes_apply_in_order_for_a_wrapped_ema_model()
    {
        using var folder = new TempFolder();
        var path = folder.File("ddp-ema.safetensors");
        using var source = WeightsFixtures.SmallVit(seed: 7);
        var wrapped = source.state_dict().ToDictionary(kv => "module.model." + kv.Key, kv => kv.Value);
        Safetensors.SaveStateDict(path, wrapped);

        using var target = WeightsFixtures.SmallVit(seed: 8);
        PretrainedWeights.Load(target, path, new WeightLoadOptions { StripPrefixes = ["module.", "model."] });

        WeightsFixtures.AssertSameState(WeightsFixtures.Snapshot(source), target.state_dict());
    }

    [Fact]
    public void KeyMap_renames_layers_and_drops_keys_it_maps_to_null()
    {
        using var folder = new TempFolder();
        var path = folder.File("renamed.pth");
        using var source = WeightsFixtures.SmallResNet(seed: 9);
        // An older naming: 'shortcut' for torchvision's 'downsample', plus an auxiliary head to discard.
        var renamed = source.state_dict().ToDictionary(kv => kv.Key.Replace(".downsample.", ".shortcut.", StringComparison.Ordinal), kv => kv.Value);
        renamed["aux_head.weight"] = zeros(3, 3);
        PyTorchPickler.PickleStateDict(path, renamed);

        using var target = WeightsFixtures.SmallResNet(seed: 10);
        var options = new WeightLoadOptions
        {
            KeyMap = key => key.StartsWith("aux_head.", StringComparison.Ordinal)
                ? null
                : key.Replace(".shortcut.", ".downsample.", StringComparison.Ordinal),
        };
        var report = PretrainedWeights.Load(target, path, options);

        WeightsFixtures.AssertSameState(WeightsFixtures.Snapshot(source), target.state_dict());
        Assert.Equal(["aux_head.weight"], report.DroppedKeys);
        Assert.Contains("layer2.0.downsample.0.weight", report.LoadedKeys);
    }

    [Fact]
    public void Two_file_keys_renamed_to_one_name_are_reported_as_colliding()
    {
        using var folder = new TempFolder();
        var path = folder.File("collide.safetensors");
        using var source = WeightsFixtures.SmallVit(seed: 11);
        var state = source.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        state["module.norm.weight"] = state["norm.weight"];
        Safetensors.SaveStateDict(path, state);

        using var target = WeightsFixtures.SmallVit(seed: 12);
        var before = WeightsFixtures.Snapshot(target);
        var error = Assert.Throws<WeightLoadException>(() =>
            PretrainedWeights.Load(target, path, new WeightLoadOptions { StripPrefixes = ["module."] }));

        Assert.Equal(["norm.weight"], error.CollidingKeys);
        Assert.Contains("Colliding", error.Message);
        WeightsFixtures.AssertSameState(before, target.state_dict());
    }
}
