using FofaDsl.Data;

namespace FofaDsl.Tests.Data;

public sealed class ImageDatasetTests
{
    private static readonly string[] ThreeClasses = ["zero", "one", "two"];

    // Four 1x1x2 images whose pixels are (10i, 10i + 1), labels i % 3.
    private static ImageDataset FourImages() => new(
        [0, 1, 10, 11, 20, 21, 30, 31], [0, 1, 2, 0], channels: 1, height: 1, width: 2, ThreeClasses, mean: 0.5f, std: 0.25f);

    [Fact]
    public void Exposes_sizes_classes_and_constants()
    {
        var dataset = FourImages();

        Assert.Equal(4, dataset.Count);
        Assert.Equal(2, dataset.ImageSize);
        Assert.Equal(3, dataset.ClassCount);
        Assert.Equal(ThreeClasses, dataset.ClassNames);
        Assert.Equal(new byte[] { 20, 21 }, dataset.Image(2).ToArray());
        Assert.Equal(new[] { 2, 1, 1 }, dataset.CountPerClass());
    }

    [Fact]
    public void Copies_its_input_so_later_edits_do_not_leak_in()
    {
        byte[] pixels = [5, 6];
        byte[] labels = [1];
        var dataset = new ImageDataset(pixels, labels, 1, 1, 2, ThreeClasses, 0.5f, 0.25f);

        pixels[0] = 99;
        labels[0] = 2;

        Assert.Equal(5, dataset.Image(0)[0]);
        Assert.Equal(1, dataset.Label(0));
    }

    [Fact]
    public void Subset_keeps_the_given_order_and_the_constants()
    {
        var subset = FourImages().Subset([3, 0, 3]);

        Assert.Equal(3, subset.Count);
        Assert.Equal(new byte[] { 30, 31, 0, 1, 30, 31 }, subset.Pixels.ToArray());
        Assert.Equal(new byte[] { 0, 0, 0 }, subset.Labels.ToArray());
        Assert.Equal((0.5f, 0.25f), (subset.Mean, subset.Std));
        Assert.Equal(ThreeClasses, subset.ClassNames);
        Assert.Equal(2, FourImages().Take(2).Count);
    }

    [Fact]
    public void Subset_rejects_an_index_outside_the_dataset() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FourImages().Subset([4]));

    [Fact]
    public void Rejects_pixels_that_do_not_match_the_labels() =>
        Assert.Throws<ArgumentException>(() => new ImageDataset([1, 2, 3], [0, 1], 1, 1, 2, ThreeClasses, 0.5f, 0.25f));

    [Fact]
    public void Rejects_a_label_without_a_class() =>
        Assert.Throws<ArgumentException>(() => new ImageDataset([1, 2], [3], 1, 1, 2, ThreeClasses, 0.5f, 0.25f));

    [Fact]
    public void Rejects_a_zero_standard_deviation() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageDataset([1, 2], [0], 1, 1, 2, ThreeClasses, 0.5f, 0f));
}
