using FofaDsl.Data;

namespace FofaDsl.Tests.Data;

public sealed class FashionMnistTests
{
    [Fact]
    public void Has_the_ten_fashion_mnist_classes_in_label_order()
    {
        Assert.Equal(
            ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
            FashionMnist.ClassNames);
    }

    [Fact]
    public void A_missing_directory_names_it_the_files_and_the_fix()
    {
        string missing = Path.Combine(Path.GetTempPath(), "fofadsl-no-such-dir-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<DirectoryNotFoundException>(() => FashionMnist.Load(missing, FashionMnistSplit.Train));

        Assert.Contains(missing, error.Message);
        Assert.Contains("train-images-idx3-ubyte", error.Message);
        Assert.Contains("train-labels-idx1-ubyte", error.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", error.Message);
        Assert.Contains("/usr/share/datasets/fashion-mnist", error.Message);
    }

    [Fact]
    public void A_missing_label_file_names_the_directory_and_the_file()
    {
        using var dir = new TempDirectory();
        IdxTestFiles.Write(dir.Path, "t10k-images-idx3-ubyte.gz", IdxTestFiles.Gzip(IdxTestFiles.Images(1, 1, 1, [0])));

        var error = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(dir.Path, FashionMnistSplit.Test));

        Assert.Contains(dir.Path, error.Message);
        Assert.Contains("t10k-labels-idx1-ubyte", error.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", error.Message);
    }

    [Fact]
    public void A_folder_where_a_file_belongs_is_called_a_folder_not_missing()
    {
        using var dir = new TempDirectory();
        IdxTestFiles.Write(dir.Path, "t10k-images-idx3-ubyte.gz", IdxTestFiles.Gzip(IdxTestFiles.Images(1, 1, 1, [0])));
        Directory.CreateDirectory(Path.Combine(dir.Path, "t10k-labels-idx1-ubyte.gz"));

        var error = Assert.Throws<DatasetFormatException>(() => FashionMnist.Load(dir.Path, FashionMnistSplit.Test));

        Assert.Contains("t10k-labels-idx1-ubyte.gz: is a folder, not a file", error.Message);
        Assert.DoesNotContain("missing", error.Message);
    }

    [Fact]
    public void Loads_raw_and_gzipped_files_from_a_directory()
    {
        using var dir = new TempDirectory();
        IdxTestFiles.Write(dir.Path, "train-images-idx3-ubyte", IdxTestFiles.Images(3, 2, 2, [.. Enumerable.Range(0, 12).Select(i => (byte)i)]));
        IdxTestFiles.Write(dir.Path, "train-labels-idx1-ubyte.gz", IdxTestFiles.Gzip(IdxTestFiles.Labels([9, 0, 5])));

        var dataset = FashionMnist.Load(dir.Path, FashionMnistSplit.Train);

        Assert.Equal(3, dataset.Count);
        Assert.Equal(new byte[] { 4, 5, 6, 7 }, dataset.Image(1).ToArray());
        Assert.Equal("Ankle boot", dataset.ClassNames[dataset.Label(0)]);
        Assert.Equal((0.2860f, 0.3530f), (dataset.Mean, dataset.Std));
    }

    [Theory]
    [InlineData(FashionMnistSplit.Train, 800)]
    [InlineData(FashionMnistSplit.Test, 200)]
    public void Embedded_subset_is_class_balanced_28x28_grayscale(FashionMnistSplit split, int perClass)
    {
        var dataset = FashionMnist.LoadEmbedded(split);

        Assert.Equal(10 * perClass, dataset.Count);
        Assert.Equal((1, 28, 28), (dataset.Channels, dataset.Height, dataset.Width));
        Assert.Equal(10, dataset.ClassCount);
        Assert.All(dataset.CountPerClass(), count => Assert.Equal(perClass, count));
    }

    [Fact]
    public void Embedded_pixels_span_the_byte_range_with_the_fashion_mnist_mean()
    {
        var pixels = FashionMnist.LoadEmbedded(FashionMnistSplit.Train).Pixels;

        byte min = 255, max = 0;
        double sum = 0;
        foreach (byte p in pixels)
        {
            min = Math.Min(min, p);
            max = Math.Max(max, p);
            sum += p;
        }

        Assert.Equal(0, min);
        Assert.Equal(255, max);
        // The published full-set mean is 0.2860; a balanced subset of it sits close by.
        Assert.InRange(sum / pixels.Length / 255.0, 0.27, 0.30);
    }

    [Fact]
    public void Embedded_test_subset_is_the_first_200_images_of_each_class_when_the_full_set_is_installed()
    {
        // ./build.sh test installs Debian's dataset-fashion-mnist; without it this test fails rather than passing unchecked.
        Assert.True(File.Exists(Path.Combine(FashionMnist.DefaultDirectory, "t10k-labels-idx1-ubyte.gz")),
            $"The full Fashion-MNIST is not in {FashionMnist.DefaultDirectory}: run ./build.sh test (it installs dataset-fashion-mnist) or apt-get install dataset-fashion-mnist.");

        var full = FashionMnist.Load(FashionMnist.DefaultDirectory, FashionMnistSplit.Test);
        var taken = new int[10];
        var expected = new List<int>();
        for (int i = 0; i < full.Count; i++)
        {
            if (taken[full.Label(i)]++ < 200)
                expected.Add(i);
        }

        var embedded = FashionMnist.LoadEmbedded(FashionMnistSplit.Test);

        Assert.Equal(full.Subset(expected).Labels.ToArray(), embedded.Labels.ToArray());
        Assert.True(full.Subset(expected).Pixels.SequenceEqual(embedded.Pixels));
    }
}
