using FofaDsl.Data;
using TorchSharp;

namespace FofaDsl.Tests.Data;

[Collection(TorchCollection.Name)]
public sealed class ChannelNormalisationTests
{
    // One 2-channel 1x2 image: channel 0 = [0, 255], channel 1 = [51, 102].
    private static ImageDataset TwoChannels() =>
        new([0, 255, 51, 102], [1], 2, 1, 2, ["a", "b"], [0.5f, 0.2f], [0.25f, 0.1f]);

    [Fact]
    public void Per_channel_statistics_are_kept_and_averaged_for_the_scalar_view()
    {
        var dataset = TwoChannels();

        Assert.Equal([0.5f, 0.2f], dataset.ChannelMean);
        Assert.Equal([0.25f, 0.1f], dataset.ChannelStd);
        Assert.Equal(0.35f, dataset.Mean, 6);
        Assert.Equal(0.175f, dataset.Std, 6);
    }

    [Fact]
    public void A_scalar_mean_and_std_apply_to_every_channel()
    {
        var dataset = new ImageDataset(new byte[6], [0], 3, 1, 2, ["only"], 0.5f, 0.25f);

        Assert.Equal([0.5f, 0.5f, 0.5f], dataset.ChannelMean);
        Assert.Equal([0.25f, 0.25f, 0.25f], dataset.ChannelStd);
        Assert.Equal((0.5f, 0.25f), (dataset.Mean, dataset.Std));
    }

    [Fact]
    public void Subsets_keep_the_channel_statistics()
    {
        var subset = TwoChannels().Subset([0, 0]);

        Assert.Equal([0.5f, 0.2f], subset.ChannelMean);
        Assert.Equal([0.25f, 0.1f], subset.ChannelStd);
    }

    [Fact]
    public void One_statistic_per_channel_is_required()
    {
        Assert.Throws<ArgumentException>(() => new ImageDataset([0, 0], [0], 2, 1, 1, ["a"], [0.5f], [0.2f, 0.2f]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageDataset([0, 0], [0], 2, 1, 1, ["a"], [0.5f, 0.5f], [0.2f, 0f]));
    }

    [Fact]
    public void The_batch_loader_normalises_each_channel_with_its_own_statistics()
    {
        var loader = new BatchLoader(TwoChannels(), BatchLoaderOptions.Evaluation(batchSize: 1));

        float[] values = OnlyImage(loader, epoch: 0);

        Assert.Equal(Expected, values, new FloatTolerance(1e-5f));
    }

    [Fact]
    public void Flipping_mirrors_each_channel_plane_with_its_own_statistics()
    {
        var loader = new BatchLoader(TwoChannels(), new BatchLoaderOptions { BatchSize = 1, RandomHorizontalFlip = true });
        float[] mirrored = [Expected[1], Expected[0], Expected[3], Expected[2]];

        var epochs = Enumerable.Range(0, 20).Select(epoch => OnlyImage(loader, epoch)).ToList();

        var tolerance = new FloatTolerance(1e-5f);
        Assert.All(epochs, values => Assert.True(values.SequenceEqual(Expected, tolerance) || values.SequenceEqual(mirrored, tolerance)));
        Assert.Contains(epochs, values => values.SequenceEqual(mirrored, tolerance));
    }

    // (p / 255 - mean[c]) / std[c] for channel 0 = [0, 255] (0.5, 0.25), channel 1 = [51, 102] (0.2, 0.1).
    private static readonly float[] Expected = [(0f - 0.5f) / 0.25f, (1f - 0.5f) / 0.25f, (0.2f - 0.2f) / 0.1f, (0.4f - 0.2f) / 0.1f];

    private static float[] OnlyImage(BatchLoader loader, int epoch)
    {
        var (images, labels) = loader.Epoch(epoch).Single();
        using (images)
        using (labels)
        {
            Assert.Equal([1L, 2, 1, 2], images.shape);
            return images.data<float>().ToArray();
        }
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
