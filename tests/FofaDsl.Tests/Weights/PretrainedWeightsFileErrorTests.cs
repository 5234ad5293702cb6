using FofaDsl.Weights;
using TorchSharp.PyBridge;

namespace FofaDsl.Tests.Weights;

[Collection(TorchCollection.Name)]
public sealed class PretrainedWeightsFileErrorTests
{
    [Theory]
    [InlineData("cut.pth", false)]
    [InlineData("cut.safetensors", true)]
    public void Truncated_file_fails_naming_it_and_leaves_the_model_alone(string fileName, bool safetensors)
    {
        using var folder = new TempFolder();
        var path = folder.File(fileName);
        using var source = WeightsFixtures.SmallResNet(seed: 1);
        if (safetensors) source.save_safetensors(path);
        else source.save_py(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        using var target = WeightsFixtures.SmallResNet(seed: 2);
        var before = WeightsFixtures.Snapshot(target);

        var error = Assert.Throws<WeightLoadException>(() => PretrainedWeights.Load(target, path));

        Assert.Contains(fileName, error.Message);
        Assert.Equal(Path.GetFullPath(path), error.FilePath);
        WeightsFixtures.AssertSameState(before, target.state_dict());
    }

    [Fact]
    public void Safetensors_truncated_inside_the_data_is_caught_before_reading()
    {
        using var folder = new TempFolder();
        var path = folder.File("short-data.safetensors");
        using var source = WeightsFixtures.SmallVit(seed: 3);
        source.save_safetensors(path);
        var bytes = File.ReadAllBytes(path);
        // Four bytes short: the header is intact, only the last tensor lacks its tail.
        File.WriteAllBytes(path, bytes[..^4]);

        using var target = WeightsFixtures.SmallVit(seed: 4);
        var error = Assert.Throws<WeightLoadException>(() => PretrainedWeights.Load(target, path));

        Assert.Contains("short-data.safetensors", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Unknown_content_fails_naming_the_file_and_the_expected_format()
    {
        using var folder = new TempFolder();
        var path = folder.File("weights.pt");
        File.WriteAllText(path, "this is not a checkpoint");

        using var target = WeightsFixtures.SmallVit(seed: 5);
        var error = Assert.Throws<WeightLoadException>(() => PretrainedWeights.Load(target, path));

        Assert.Contains("weights.pt", error.Message);
        Assert.Contains("zip signature", error.Message);
    }

    [Fact]
    public void Legacy_pickle_is_recognised_and_the_resave_is_explained()
    {
        using var folder = new TempFolder();
        var path = folder.File("legacy.pth");
        // Pickle protocol 2 opens with PROTO 0x80 0x02, as torch.save did before its zip format.
        File.WriteAllBytes(path, [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8]);

        using var target = WeightsFixtures.SmallVit(seed: 6);
        var error = Assert.Throws<WeightLoadException>(() => PretrainedWeights.Load(target, path));

        Assert.Contains("legacy.pth", error.Message);
        Assert.Contains("torch.save", error.Message);
    }

    [Fact]
    public void Empty_file_fails_naming_it()
    {
        using var folder = new TempFolder();
        var path = folder.File("empty.safetensors");
        File.WriteAllBytes(path, []);

        using var target = WeightsFixtures.SmallVit(seed: 7);
        var error = Assert.Throws<WeightLoadException>(() => PretrainedWeights.Load(target, path));

        Assert.Contains("empty.safetensors", error.Message);
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void Missing_file_throws_FileNotFoundException_with_its_path()
    {
        using var folder = new TempFolder();
        var path = folder.File("absent.pth");
        using var target = WeightsFixtures.SmallVit(seed: 8);

        var error = Assert.Throws<FileNotFoundException>(() => PretrainedWeights.Load(target, path));

        Assert.Equal(Path.GetFullPath(path), error.FileName);
        Assert.Contains("absent.pth", error.Message);
    }
}
