using FofaDsl.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Data;

[Collection(TorchCollection.Name)]
public sealed class BatchPrefetcherTests
{
    private static ImageDataset Data() => FashionMnist.LoadEmbedded(FashionMnistSplit.Train).Take(40);

    [Fact]
    public void Prefetched_batches_equal_the_loaders_in_order()
    {
        var loader = new BatchLoader(Data(), BatchLoaderOptions.Training(8, seed: 3, randomHorizontalFlip: true));
        var direct = loader.Epoch(1).ToList();
        var prefetched = BatchPrefetcher.Prefetch(loader.Epoch(1), depth: 2).ToList();
        Assert.Equal(direct.Count, prefetched.Count);
        foreach (var (a, b) in direct.Zip(prefetched))
        {
            Assert.True(a.Images.equal(b.Images).all().item<bool>());
            Assert.True(a.Labels.equal(b.Labels).all().item<bool>());
        }
    }

    [Fact]
    public void Leaving_early_stops_the_producer_and_a_producer_failure_reaches_the_consumer()
    {
        var loader = new BatchLoader(Data(), BatchLoaderOptions.Training(8, seed: 3));
        var taken = BatchPrefetcher.Prefetch(loader.Epoch(0), depth: 1).Take(2).ToList();
        Assert.Equal(2, taken.Count);

        static IEnumerable<(Tensor, Tensor)> Failing()
        {
            yield return (zeros(1), zeros(1));
            throw new InvalidDataException("bad batch");
        }
        var error = Assert.Throws<InvalidDataException>(() => BatchPrefetcher.Prefetch(Failing()).ToList());
        Assert.Equal("bad batch", error.Message);
    }
}
