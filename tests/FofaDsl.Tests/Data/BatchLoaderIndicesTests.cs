using FofaDsl.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Data;

/// <summary>Batches carry the data-set index of each image, in the epoch's order, through the prefetcher too.</summary>
[Collection(TorchCollection.Name)]
public sealed class BatchLoaderIndicesTests
{
    private static readonly ImageDataset Data = FashionMnist.LoadEmbedded(FashionMnistSplit.Train).Take(20);

    [Fact]
    public void Indices_follow_the_epoch_order_and_match_images_and_labels()
    {
        var loader = new BatchLoader(Data, BatchLoaderOptions.Training(batchSize: 6, seed: 4, randomHorizontalFlip: true));
        var order = loader.OrderFor(2);

        var plain = loader.Epoch(2).ToList();
        var indexed = loader.EpochWithIndices(2).ToList();

        Assert.Equal(3, indexed.Count); // 20 images, batch 6, last partial batch dropped
        var indices = indexed.SelectMany(b => b.Indices.data<long>().ToArray()).ToArray();
        Assert.Equal(order.Take(18).Select(i => (long)i), indices);
        Assert.All(indexed, b => Assert.Equal(ScalarType.Int64, b.Indices.dtype));
        for (var b = 0; b < 3; b++)
        {
            Assert.True(plain[b].Images.equal(indexed[b].Images).all().item<bool>());
            Assert.Equal(indexed[b].Indices.data<long>().ToArray().Select(i => (long)Data.Label((int)i)), indexed[b].Labels.data<long>().ToArray());
        }
    }

    [Fact]
    public void The_prefetcher_keeps_indices_with_their_batches()
    {
        var loader = new BatchLoader(Data, BatchLoaderOptions.Training(batchSize: 5, seed: 9, randomHorizontalFlip: false));
        var direct = loader.EpochWithIndices(1).ToList();
        var prefetched = BatchPrefetcher.Prefetch(loader.EpochWithIndices(1), depth: 2).ToList();

        Assert.Equal(direct.Count, prefetched.Count);
        foreach (var (a, b) in direct.Zip(prefetched))
        {
            Assert.True(a.Indices.equal(b.Indices).all().item<bool>());
            Assert.True(a.Labels.equal(b.Labels).all().item<bool>());
        }
    }
}
