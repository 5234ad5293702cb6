using FofaDsl.Data;

namespace FofaDsl.Tests.Data;

public sealed class IdxReaderTests
{
    private static readonly byte[] TwelvePixels = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255];

    [Fact]
    public void Reads_a_raw_image_file()
    {
        using var dir = new TempDirectory();
        string path = IdxTestFiles.Write(dir.Path, "images-idx3-ubyte", IdxTestFiles.Images(2, 2, 3, TwelvePixels));

        var array = IdxReader.ReadImages(path);

        Assert.Equal(new[] { 2, 2, 3 }, array.Dimensions);
        Assert.Equal(TwelvePixels, array.Data.ToArray());
        Assert.Equal(path, array.Source);
    }

    [Fact]
    public void Reads_a_gzipped_file_like_the_raw_one()
    {
        using var dir = new TempDirectory();
        string path = IdxTestFiles.Write(dir.Path, "labels-idx1-ubyte.gz", IdxTestFiles.Gzip(IdxTestFiles.Labels([3, 1, 4, 1, 5])));

        var array = IdxReader.ReadLabels(path);

        Assert.Equal(new[] { 5 }, array.Dimensions);
        Assert.Equal(new byte[] { 3, 1, 4, 1, 5 }, array.Data.ToArray());
    }

    [Fact]
    public void Reads_a_gzipped_stream_that_cannot_seek()
    {
        var gz = IdxTestFiles.Gzip(IdxTestFiles.Images(2, 2, 3, TwelvePixels));
        using var stream = new NonSeekableStream(new MemoryStream(gz));

        var array = IdxReader.ReadImages(stream, "piped images");

        Assert.Equal(new[] { 2, 2, 3 }, array.Dimensions);
        Assert.Equal(TwelvePixels, array.Data.ToArray());
    }

    [Fact]
    public void Bad_magic_names_the_file()
    {
        using var dir = new TempDirectory();
        string path = IdxTestFiles.Write(dir.Path, "notes.txt", "hello, not an IDX file"u8.ToArray());

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("not an IDX file", error.Message);
        Assert.Equal(path, error.FileName);
    }

    [Fact]
    public void Unsupported_element_type_is_named()
    {
        using var dir = new TempDirectory();
        // 0x0D = float32: one 4-byte element per entry.
        string path = IdxTestFiles.Write(dir.Path, "floats-idx1", IdxTestFiles.Build(0x0D, [2], new byte[8]));

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.Read(path));

        Assert.Contains("floats-idx1", error.Message);
        Assert.Contains("0x0D", error.Message);
        Assert.Contains("float32", error.Message);
    }

    [Fact]
    public void Labels_passed_as_images_fail_on_the_dimension_count()
    {
        using var dir = new TempDirectory();
        string path = IdxTestFiles.Write(dir.Path, "train-labels-idx1-ubyte", IdxTestFiles.Labels([1, 2, 3]));

        var images = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(path));
        Assert.Contains("train-labels-idx1-ubyte", images.Message);
        Assert.Contains("has 3 dimension(s), this one has 1", images.Message);

        string imagePath = IdxTestFiles.Write(dir.Path, "train-images-idx3-ubyte", IdxTestFiles.Images(1, 1, 1, [7]));
        var labels = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadLabels(imagePath));
        Assert.Contains("has 1 dimension(s), this one has 3", labels.Message);
    }

    [Fact]
    public void Truncated_image_data_reports_expected_and_actual_sizes()
    {
        using var dir = new TempDirectory();
        // Header promises 2 images of 2x2 = 8 bytes; only 5 follow.
        var raw = IdxTestFiles.Build(0x08, [2, 2, 2], [1, 2, 3, 4, 5]);
        string rawPath = IdxTestFiles.Write(dir.Path, "short-images", raw);
        string gzPath = IdxTestFiles.Write(dir.Path, "short-images.gz", IdxTestFiles.Gzip(raw));

        foreach (string path in new[] { rawPath, gzPath })
        {
            var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(path));
            Assert.Contains(path, error.Message);
            Assert.Contains("expected 8 bytes of image data, file has 5", error.Message);
            Assert.Contains("re-download", error.Message);
        }
    }

    [Fact]
    public void A_cut_gzip_file_fails_with_the_file_name()
    {
        using var dir = new TempDirectory();
        var pixels = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray();
        var gz = IdxTestFiles.Gzip(IdxTestFiles.Images(4, 32, 32, pixels));
        string path = IdxTestFiles.Write(dir.Path, "cut-images.gz", gz[..(gz.Length / 2)]);

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(path));

        Assert.Contains("cut-images.gz", error.Message);
    }

    private static byte[] GzippedImages()
    {
        var pixels = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray();
        return IdxTestFiles.Gzip(IdxTestFiles.Images(4, 32, 32, pixels));
    }

    [Theory]
    [InlineData(1)] // the length field of the trailer
    [InlineData(6)] // the CRC-32 of the trailer
    [InlineData(12)] // compressed data (the last byte may hold only padding bits, which change nothing)
    [InlineData(77)]
    [InlineData(100)]
    public void A_bit_flipped_near_the_end_of_a_gzip_file_is_refused_as_corrupt(int fromEnd)
    {
        using var dir = new TempDirectory();
        var gz = GzippedImages();
        gz[^fromEnd] ^= 0x10;
        string path = IdxTestFiles.Write(dir.Path, "flipped-images.gz", gz);

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("corrupt", error.Message);
        Assert.DoesNotContain("unsupported compression method", error.Message);
        Assert.Contains("re-download", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)] // the whole trailer: every data byte is there, but nothing vouches for it
    public void A_gzip_file_cut_inside_its_trailer_is_refused_as_truncated(int cut)
    {
        using var dir = new TempDirectory();
        var gz = GzippedImages();
        string path = IdxTestFiles.Write(dir.Path, "short-images.gz", gz[..^cut]);

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("corrupt or truncated", error.Message);
    }

    [Fact]
    public void The_intact_gzip_file_of_the_same_data_is_read()
    {
        using var dir = new TempDirectory();
        string path = IdxTestFiles.Write(dir.Path, "images.gz", GzippedImages());

        Assert.Equal([4, 32, 32], IdxReader.ReadImages(path).Dimensions);
    }

    [Fact]
    public void Bytes_after_the_declared_data_are_refused()
    {
        using var dir = new TempDirectory();
        string path = IdxTestFiles.Write(dir.Path, "long-labels", [.. IdxTestFiles.Labels([1, 2, 3]), 9, 9]);

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadLabels(path));

        Assert.Contains("2 byte(s) follow the 11 bytes its IDX header declares", error.Message);
    }

    [Fact]
    public void An_empty_file_is_too_short_for_the_header()
    {
        using var dir = new TempDirectory();
        string path = IdxTestFiles.Write(dir.Path, "empty", []);

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.Read(path));

        Assert.Contains($"{path}: the file is empty", error.Message);
    }

    [Fact]
    public void Reading_a_pair_builds_a_single_channel_dataset()
    {
        using var dir = new TempDirectory();
        string images = IdxTestFiles.Write(dir.Path, "i.gz", IdxTestFiles.Gzip(IdxTestFiles.Images(2, 2, 3, TwelvePixels)));
        string labels = IdxTestFiles.Write(dir.Path, "l", IdxTestFiles.Labels([1, 0]));

        var dataset = IdxReader.ReadDataset(images, labels, ["a", "b"], mean: 0.5f, std: 0.25f);

        Assert.Equal(2, dataset.Count);
        Assert.Equal((1, 2, 3), (dataset.Channels, dataset.Height, dataset.Width));
        Assert.Equal(new byte[] { 6, 7, 8, 9, 10, 255 }, dataset.Image(1).ToArray());
        Assert.Equal(1, dataset.Label(0));
        Assert.Equal(0, dataset.Label(1));
        Assert.Equal((0.5f, 0.25f), (dataset.Mean, dataset.Std));
    }

    [Fact]
    public void Image_and_label_count_mismatch_names_both_files()
    {
        using var dir = new TempDirectory();
        string images = IdxTestFiles.Write(dir.Path, "train-images-idx3-ubyte", IdxTestFiles.Images(2, 2, 3, TwelvePixels));
        string labels = IdxTestFiles.Write(dir.Path, "t10k-labels-idx1-ubyte", IdxTestFiles.Labels([1, 0, 1]));

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadDataset(images, labels, ["a", "b"], 0.5f, 0.25f));

        Assert.Contains("train-images-idx3-ubyte holds 2 images", error.Message);
        Assert.Contains("t10k-labels-idx1-ubyte holds 3 labels", error.Message);
    }

    [Fact]
    public void A_label_outside_the_classes_names_the_label_file()
    {
        using var dir = new TempDirectory();
        string images = IdxTestFiles.Write(dir.Path, "i", IdxTestFiles.Images(2, 2, 3, TwelvePixels));
        string labels = IdxTestFiles.Write(dir.Path, "other-labels", IdxTestFiles.Labels([1, 2]));

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadDataset(images, labels, ["a", "b"], 0.5f, 0.25f));

        Assert.Contains("other-labels", error.Message);
        Assert.Contains("label 2 at index 1", error.Message);
    }
}
