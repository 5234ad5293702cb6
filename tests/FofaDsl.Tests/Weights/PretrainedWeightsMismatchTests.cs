using FofaDsl.Weights;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Weights;

[Collection(TorchCollection.Name)]
public sealed class PretrainedWeightsMismatchTests
{
    [Fact]
    public void Missing_unexpected_and_misshaped_keys_are_reported_together_and_nothing_is_copied()
    {
        using var folder = new TempFolder();
        var path = folder.File("broken.pth");
        using var source = WeightsFixtures.SmallResNet(seed: 1);
        var state = source.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        state.Remove("layer3.1.conv2.weight");
        state.Remove("layer4.0.bn1.running_mean");
        state["extra.proj.weight"] = zeros(2, 2);
        state["layer2.0.conv1.weight"] = zeros(8, 4, 5, 5); // the model's is [8, 4, 3, 3]
        PyTorchPickler.PickleStateDict(path, state);

        using var target = WeightsFixtures.SmallResNet(seed: 2);
        var before = WeightsFixtures.Snapshot(target);

        var error = Assert.Throws<WeightLoadException>(() => PretrainedWeights.Load(target, path));

        Assert.Equal(["layer3.1.conv2.weight", "layer4.0.bn1.running_mean"], error.MissingKeys);
        Assert.Equal(["extra.proj.weight"], error.UnexpectedKeys);
        var mismatch = Assert.Single(error.ShapeMismatches);
        Assert.Equal("layer2.0.conv1.weight", mismatch.Name);
        Assert.Equal([8L, 4, 3, 3], mismatch.ModelShape);
        Assert.Equal([8L, 4, 5, 5], mismatch.FileShape);

        Assert.Contains("broken.pth", error.Message);
        Assert.Contains("Missing: the model has these keys, the file does not (2)", error.Message);
        Assert.Contains("Unexpected: the file has these keys, the model does not (1)", error.Message);
        Assert.Contains("Shape mismatches (1)", error.Message);
        Assert.Contains("layer3.1.conv2.weight", error.Message);
        Assert.Contains("layer4.0.bn1.running_mean", error.Message);
        Assert.Contains("extra.proj.weight", error.Message);
        Assert.Contains("layer2.0.conv1.weight: model [8, 4, 3, 3], file [8, 4, 5, 5]", error.Message);
        Assert.Contains("KeyMap", error.Message);

        // Every other key matched, yet none was copied: the load is all or nothing.
        WeightsFixtures.AssertSameState(before, target.state_dict());
    }

    [Fact]
    public void Long_problem_lists_show_twenty_entries_and_count_the_rest()
    {
        using var folder = new TempFolder();
        var path = folder.File("many-extras.safetensors");
        using var source = WeightsFixtures.SmallVit(seed: 3);
        var state = source.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        for (var i = 0; i < 25; i++) state[$"aux.{i:D2}.weight"] = zeros(1);
        Safetensors.SaveStateDict(path, state);

        using var target = WeightsFixtures.SmallVit(seed: 4);
        var error = Assert.Throws<WeightLoadException>(() => PretrainedWeights.Load(target, path));

        Assert.Equal(25, error.UnexpectedKeys.Count);
        Assert.Contains("(25)", error.Message);
        Assert.Contains("aux.19.weight", error.Message);
        Assert.DoesNotContain("aux.20.weight", error.Message);
        Assert.Contains("... and 5 more", error.Message);
        Assert.Contains("Strict = false", error.Message);
    }

    [Fact]
    public void Non_strict_load_ignores_extra_keys_but_still_fails_on_missing_ones()
    {
        using var folder = new TempFolder();
        var extrasPath = folder.File("extras.pth");
        using var source = WeightsFixtures.SmallVit(seed: 5);
        var withExtras = source.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        withExtras["dist_token"] = zeros(1, 1, 8);
        PyTorchPickler.PickleStateDict(extrasPath, withExtras);

        using var target = WeightsFixtures.SmallVit(seed: 6);
        var report = PretrainedWeights.Load(target, extrasPath, new WeightLoadOptions { Strict = false });
        Assert.Equal(["dist_token"], report.IgnoredUnexpectedKeys);
        WeightsFixtures.AssertSameState(WeightsFixtures.Snapshot(source), target.state_dict());

        var missingPath = folder.File("missing.pth");
        var withoutNorm = source.state_dict().Where(kv => kv.Key != "norm.weight").ToDictionary(kv => kv.Key, kv => kv.Value);
        PyTorchPickler.PickleStateDict(missingPath, withoutNorm);
        using var other = WeightsFixtures.SmallVit(seed: 7);
        var error = Assert.Throws<WeightLoadException>(() => PretrainedWeights.Load(other, missingPath, new WeightLoadOptions { Strict = false }));
        Assert.Equal(["norm.weight"], error.MissingKeys);
    }
}
