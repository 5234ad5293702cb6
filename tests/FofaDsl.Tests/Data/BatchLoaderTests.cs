using FofaDsl.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Data;

[Collection(TorchCollection.Name)]
public sealed class BatchLoaderTests
{
    private const float Mean = 0.5f;
    private const float Std = 0.25f;

    // Ten 1x2x2 images; every pixel of image i is 20 i, its label is i % 3.
    private static ImageDataset TenImages()
    {
        var pixels = new byte[10 * 4];
        var labels = new byte[10];
        for (int i = 0; i < 10; i++)
        {
            pixels.AsSpan(4 * i, 4).Fill((byte)(20 * i));
            labels[i] = (byte)(i % 3);
        }
        return new ImageDataset(pixels, labels, 1, 2, 2, ["a", "b", "c"], Mean, Std);
    }

    // Undo the normalisation of the first pixel of each image to recover which image it was.
    private static int[] ImageIndices(Tensor images)
    {
        var values = images.data<float>().ToArray();
        int imageSize = (int)(images.numel() / images.shape[0]);
        return [.. Enumerable.Range(0, (int)images.shape[0])
            .Select(b => (int)Math.Round((values[b * imageSize] * Std + Mean) * 255 / 20))];
    }

    private static List<int> VisitedImages(BatchLoader loader, int epoch)
    {
        var visited = new List<int>();
        foreach (var (images, labels) in loader.Epoch(epoch))
        {
            using (images)
            using (labels)
                visited.AddRange(ImageIndices(images));
        }
        return visited;
    }

    [Fact]
    public void Training_drops_the_last_partial_batch()
    {
        var loader = new BatchLoader(TenImages(), BatchLoaderOptions.Training(batchSize: 4, seed: 1));

        var sizes = loader.Epoch(0).Select(batch =>
        {
            using var images = batch.Images;
            using var labels = batch.Labels;
            return ((int)images.shape[0], (int)labels.shape[0]);
        }).ToList();

        Assert.Equal(2, loader.BatchesPerEpoch);
        Assert.Equal([(4, 4), (4, 4)], sizes);
    }

    [Fact]
    public void Evaluation_keeps_the_last_partial_batch_in_dataset_order()
    {
        var loader = new BatchLoader(TenImages(), BatchLoaderOptions.Evaluation(batchSize: 4));
        var shapes = new List<long[]>();
        var labels = new List<long>();
        var visited = new List<int>();

        foreach (var (images, batchLabels) in loader.Epoch(0))
        {
            using (images)
            using (batchLabels)
            {
                Assert.Equal(ScalarType.Float32, images.dtype);
                Assert.Equal(ScalarType.Int64, batchLabels.dtype);
                shapes.Add(images.shape);
                labels.AddRange(batchLabels.data<long>().ToArray());
                visited.AddRange(ImageIndices(images));
            }
        }

        Assert.Equal(3, loader.BatchesPerEpoch);
        Assert.Equal([4L, 1, 2, 2], shapes[0]);
        Assert.Equal([2L, 1, 2, 2], shapes[2]);
        Assert.Equal(Enumerable.Range(0, 10), visited);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)(i % 3)), labels);
    }

    [Fact]
    public void Pixels_are_scaled_to_unit_range_then_normalised_with_mean_and_std()
    {
        var dataset = new ImageDataset([0, 51, 255, 102], [0], 1, 2, 2, ["only"], Mean, Std);
        var loader = new BatchLoader(dataset, BatchLoaderOptions.Evaluation(batchSize: 8));

        var (images, labels) = loader.Epoch(0).Single();
        using (images)
        using (labels)
        {
            // (p / 255 - 0.5) / 0.25: 0 -> -2, 51 -> (0.2 - 0.5) * 4 = -1.2, 255 -> 2, 102 -> (0.4 - 0.5) * 4 = -0.4
            float[] expected = [-2f, -1.2f, 2f, -0.4f];
            var actual = images.data<float>().ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.Equal(expected[i], actual[i], 5);
        }
    }

    [Fact]
    public void Same_seed_and_epoch_give_the_same_order_and_another_epoch_a_different_one()
    {
        var options = BatchLoaderOptions.Training(batchSize: 5, seed: 42);
        var first = VisitedImages(new BatchLoader(TenImages(), options), epoch: 3);
        var again = VisitedImages(new BatchLoader(TenImages(), options), epoch: 3);
        var nextEpoch = VisitedImages(new BatchLoader(TenImages(), options), epoch: 4);

        Assert.Equal(first, again);
        Assert.NotEqual(first, nextEpoch);
        Assert.Equal(Enumerable.Range(0, 10), first.Order());
        Assert.NotEqual(Enumerable.Range(0, 10), first);
    }

    [Fact]
    public void Shuffle_is_fisher_yates_driven_by_random_of_seed_plus_epoch()
    {
        var loader = new BatchLoader(TenImages(), BatchLoaderOptions.Training(batchSize: 5, seed: 7));

        var expected = Enumerable.Range(0, 10).ToArray();
        var random = new Random(7 + 2);
        for (int i = expected.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (expected[i], expected[j]) = (expected[j], expected[i]);
        }

        Assert.Equal(expected, loader.OrderFor(epoch: 2));
        Assert.Equal(expected, VisitedImages(loader, epoch: 2));
    }

    [Fact]
    public void Batches_do_not_share_the_reused_buffer()
    {
        var loader = new BatchLoader(TenImages(), BatchLoaderOptions.Evaluation(batchSize: 4));
        var batches = loader.Epoch(0).ToList();
        try
        {
            // Read after the whole epoch: a tensor aliasing the buffer would show the last batch.
            Assert.Equal([0, 1, 2, 3], ImageIndices(batches[0].Images));
            Assert.Equal([4, 5, 6, 7], ImageIndices(batches[1].Images));
        }
        finally
        {
            foreach (var (images, labels) in batches)
            {
                images.Dispose();
                labels.Dispose();
            }
        }
    }

    [Fact]
    public void Random_flip_mirrors_rows_for_some_images_and_repeats_per_seed()
    {
        // 40 1x2x3 images, all [[0, 51, 102], [153, 204, 255]]: a flip reverses each row.
        const int count = 40;
        byte[] image = [0, 51, 102, 153, 204, 255];
        var pixels = new byte[count * image.Length];
        for (int i = 0; i < count; i++)
            image.CopyTo(pixels, i * image.Length);
        var dataset = new ImageDataset(pixels, new byte[count], 1, 2, 3, ["only"], 0f, 1f);
        var options = BatchLoaderOptions.Training(batchSize: count, seed: 5, randomHorizontalFlip: true);

        bool[] Flips(int epoch)
        {
            var (images, labels) = new BatchLoader(dataset, options).Epoch(epoch).Single();
            using (images)
            using (labels)
            {
                var values = images.data<float>().ToArray();
                var flips = new bool[count];
                for (int b = 0; b < count; b++)
                {
                    // With mean 0 and std 1 the values are p / 255.
                    var rows = values.AsSpan(b * 6, 6).ToArray().Select(v => (int)Math.Round(v * 255)).ToArray();
                    bool original = rows.SequenceEqual(image.Select(p => (int)p));
                    bool mirrored = rows.SequenceEqual(new[] { 102, 51, 0, 255, 204, 153 });
                    Assert.True(original ^ mirrored, $"image {b} is neither the original nor its mirror");
                    flips[b] = mirrored;
                }
                return flips;
            }
        }

        var first = Flips(0);
        Assert.Contains(true, first);
        Assert.Contains(false, first);
        Assert.Equal(first, Flips(0));
    }
}
