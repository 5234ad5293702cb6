using FofaDsl.Data;
using SkiaSharp;

namespace FofaDsl.Tests.Data;

public sealed class ImageFolderTests
{
    // Writes a width x height image whose pixel (x, y) has the colour pixelAt(x, y), encoded by SkiaSharp.
    private static string WriteImage(
        string folder, string name, int width, int height, Func<int, int, SKColor> pixelAt, SKEncodedImageFormat format)
    {
        Directory.CreateDirectory(folder);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bitmap.SetPixel(x, y, pixelAt(x, y));
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 95);
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    private static string WriteSolid(string folder, string name, int width, int height, SKColor colour, SKEncodedImageFormat format) =>
        WriteImage(folder, name, width, height, (_, _) => colour, format);

    private static (int R, int G, int B) PixelAt(ImageDataset dataset, int index, int y, int x)
    {
        var image = dataset.Image(index);
        int plane = dataset.Height * dataset.Width;
        int at = y * dataset.Width + x;
        return (image[at], image[plane + at], image[2 * plane + at]);
    }

    private static void AssertClose((int R, int G, int B) expected, (int R, int G, int B) actual, int tolerance)
    {
        Assert.True(
            Math.Abs(expected.R - actual.R) <= tolerance && Math.Abs(expected.G - actual.G) <= tolerance && Math.Abs(expected.B - actual.B) <= tolerance,
            $"expected {expected} +- {tolerance}, got {actual}");
    }

    private static readonly ImageFolderOptions Small = new() { ImageSize = 8, ResizeShorterSide = 10 };

    [Fact]
    public void Classes_are_the_sorted_subfolders_and_every_image_gets_its_label()
    {
        using var dir = new TempDirectory();
        WriteSolid(Path.Combine(dir.Path, "b_dog"), "2.jpg", 30, 20, new SKColor(0, 0, 255), SKEncodedImageFormat.Jpeg);
        WriteSolid(Path.Combine(dir.Path, "b_dog"), "1.png", 12, 40, new SKColor(0, 255, 0), SKEncodedImageFormat.Png);
        WriteSolid(Path.Combine(dir.Path, "a_cat"), "x.PNG", 9, 9, new SKColor(255, 0, 0), SKEncodedImageFormat.Png);

        var dataset = ImageFolder.Load(dir.Path, Small);

        Assert.Equal(["a_cat", "b_dog"], dataset.ClassNames);
        Assert.Equal([0, 1, 1], dataset.Labels.ToArray());
        Assert.Equal((3, 3, 8, 8), (dataset.Count, dataset.Channels, dataset.Height, dataset.Width));
        // b_dog's images in file-name order: 1.png (green), then 2.jpg (blue).
        AssertClose((255, 0, 0), PixelAt(dataset, 0, 4, 4), 1);
        AssertClose((0, 255, 0), PixelAt(dataset, 1, 4, 4), 1);
        AssertClose((0, 0, 255), PixelAt(dataset, 2, 4, 4), 6);
        Assert.Equal(ImageFolderOptions.ImageNetMean, dataset.ChannelMean);
    }

    [Fact]
    public void A_png_at_the_output_size_keeps_its_exact_pixels_in_the_c_h_w_planes()
    {
        using var dir = new TempDirectory();
        WriteImage(Path.Combine(dir.Path, "only"), "gradient.png", 16, 16, (x, y) => new SKColor((byte)(x * 16), (byte)(y * 16), 77), SKEncodedImageFormat.Png);

        var dataset = ImageFolder.Load(dir.Path, new ImageFolderOptions { ImageSize = 16, ResizeShorterSide = null });

        foreach (var (y, x) in new[] { (0, 0), (0, 15), (7, 3), (15, 0), (15, 15) })
            Assert.Equal((x * 16, y * 16, 77), PixelAt(dataset, 0, y, x));
    }

    [Fact]
    public void A_jpeg_gradient_is_close_to_its_colours()
    {
        using var dir = new TempDirectory();
        WriteImage(Path.Combine(dir.Path, "only"), "gradient.jpg", 32, 32, (x, y) => new SKColor((byte)(x * 8), (byte)(y * 8), 128), SKEncodedImageFormat.Jpeg);

        var dataset = ImageFolder.Load(dir.Path, new ImageFolderOptions { ImageSize = 32, ResizeShorterSide = null });

        // JPEG is lossy: smooth gradients survive within a few levels.
        foreach (var (y, x) in new[] { (4, 4), (10, 20), (20, 10), (28, 28) })
            AssertClose((x * 8, y * 8, 128), PixelAt(dataset, 0, y, x), 8);
    }

    [Fact]
    public void The_shorter_side_is_resized_then_the_centre_is_cropped()
    {
        using var dir = new TempDirectory();
        // 60x20: red, green and blue thirds. Shorter side 20 -> 10 makes it 30x10; the centre 10x10 is the green third.
        WriteImage(Path.Combine(dir.Path, "only"), "thirds.png", 60, 20,
            (x, _) => x < 20 ? new SKColor(255, 0, 0) : x < 40 ? new SKColor(0, 255, 0) : new SKColor(0, 0, 255), SKEncodedImageFormat.Png);

        var dataset = ImageFolder.Load(dir.Path, new ImageFolderOptions { ImageSize = 10, ResizeShorterSide = 10 });

        foreach (var (y, x) in new[] { (0, 0), (5, 5), (9, 9), (0, 9), (9, 0) })
            AssertClose((0, 255, 0), PixelAt(dataset, 0, y, x), 16);
    }

    [Fact]
    public void Without_a_shorter_side_the_whole_image_is_squeezed_into_the_square()
    {
        using var dir = new TempDirectory();
        WriteImage(Path.Combine(dir.Path, "only"), "thirds.png", 60, 20,
            (x, _) => x < 20 ? new SKColor(255, 0, 0) : x < 40 ? new SKColor(0, 255, 0) : new SKColor(0, 0, 255), SKEncodedImageFormat.Png);

        var dataset = ImageFolder.Load(dir.Path, new ImageFolderOptions { ImageSize = 12, ResizeShorterSide = null });

        AssertClose((255, 0, 0), PixelAt(dataset, 0, 6, 1), 16);
        AssertClose((0, 255, 0), PixelAt(dataset, 0, 6, 6), 16);
        AssertClose((0, 0, 255), PixelAt(dataset, 0, 6, 10), 16);
    }

    [Fact]
    public void A_large_jpeg_shrunk_while_decoding_keeps_its_layout()
    {
        using var dir = new TempDirectory();
        // 400x300 with a red left half and a blue right half: the decoder may shrink it 8x before resizing.
        WriteImage(Path.Combine(dir.Path, "only"), "large.jpg", 400, 300,
            (x, _) => x < 200 ? new SKColor(255, 0, 0) : new SKColor(0, 0, 255), SKEncodedImageFormat.Jpeg);

        var dataset = ImageFolder.Load(dir.Path, new ImageFolderOptions { ImageSize = 32, ResizeShorterSide = 36 });

        // Resized to 48x36, cropped at x 8..40: the halves meet at resized x 24, crop x 16.
        AssertClose((255, 0, 0), PixelAt(dataset, 0, 16, 4), 12);
        AssertClose((255, 0, 0), PixelAt(dataset, 0, 2, 13), 12);
        AssertClose((0, 0, 255), PixelAt(dataset, 0, 16, 19), 12);
        AssertClose((0, 0, 255), PixelAt(dataset, 0, 30, 28), 12);
    }

    [Fact]
    public void Grayscale_gives_one_luma_channel()
    {
        using var dir = new TempDirectory();
        WriteSolid(Path.Combine(dir.Path, "only"), "solid.png", 20, 14, new SKColor(200, 50, 10), SKEncodedImageFormat.Png);

        var dataset = ImageFolder.Load(dir.Path, Small with { Grayscale = true });

        Assert.Equal(1, dataset.Channels);
        int luma = (int)Math.Round(0.299 * 200 + 0.587 * 50 + 0.114 * 10);
        Assert.All(dataset.Image(0).ToArray(), value => Assert.InRange(value, luma - 1, luma + 1));
        Assert.Equal([(0.485f + 0.456f + 0.406f) / 3], dataset.ChannelMean);
    }

    [Fact]
    public void Other_files_are_ignored_and_counted()
    {
        using var dir = new TempDirectory();
        WriteSolid(Path.Combine(dir.Path, "cls"), "a.png", 8, 8, SKColors.White, SKEncodedImageFormat.Png);
        File.WriteAllText(Path.Combine(dir.Path, "cls", "notes.txt"), "x");
        File.WriteAllText(Path.Combine(dir.Path, "README.md"), "x");
        var messages = new List<string>();

        var scan = ImageFolder.Scan(dir.Path);
        var dataset = ImageFolder.Load(dir.Path, Small, messages.Add);

        Assert.Equal(2, scan.IgnoredFiles.Count);
        Assert.Single(scan.Images);
        Assert.Equal(1, dataset.Count);
        Assert.Contains("ignored 2 file(s)", Assert.Single(messages));
    }

    [Fact]
    public void Images_in_nested_folders_belong_to_their_class()
    {
        using var dir = new TempDirectory();
        WriteSolid(Path.Combine(dir.Path, "a"), "1.png", 8, 8, SKColors.White, SKEncodedImageFormat.Png);
        WriteSolid(Path.Combine(dir.Path, "b", "sub"), "2.png", 8, 8, SKColors.White, SKEncodedImageFormat.Png);

        var scan = ImageFolder.Scan(dir.Path);

        Assert.Equal([(byte)0, (byte)1], scan.Images.Select(image => image.Label));
    }

    [Fact]
    public void A_corrupt_image_is_named()
    {
        using var dir = new TempDirectory();
        WriteSolid(Path.Combine(dir.Path, "cls"), "good.png", 8, 8, SKColors.White, SKEncodedImageFormat.Png);
        string bad = Path.Combine(dir.Path, "cls", "bad.jpg");
        File.WriteAllText(bad, "this is not a jpeg");

        var error = Assert.Throws<DatasetFormatException>(() => ImageFolder.Load(dir.Path, Small));

        Assert.Equal(bad, error.FileName);
        Assert.Contains(bad, error.Message);
        Assert.Contains("not a readable JPEG or PNG", error.Message);
    }

    [Fact]
    public void A_truncated_image_is_named()
    {
        using var dir = new TempDirectory();
        string path = WriteImage(Path.Combine(dir.Path, "cls"), "cut.png", 64, 64,
            (x, y) => new SKColor((byte)(x * 4), (byte)(y * 4), (byte)(x ^ y)), SKEncodedImageFormat.Png);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<DatasetFormatException>(() => ImageFolder.Load(dir.Path, Small));

        Assert.Equal(path, error.FileName);
        Assert.Contains("truncated", error.Message);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(100)]
    public void A_png_whose_image_data_was_altered_fails_its_chunk_crc_and_is_named(int bytesIntoTheData)
    {
        using var dir = new TempDirectory();
        string path = WriteImage(Path.Combine(dir.Path, "cls"), "altered.png", 64, 64,
            (x, y) => new SKColor((byte)(x * 4), (byte)(y * 4), (byte)(x ^ y)), SKEncodedImageFormat.Png);
        var bytes = File.ReadAllBytes(path);
        // The IDAT chunk: 4-byte length, "IDAT", then the compressed pixels.
        int data = System.Text.Encoding.ASCII.GetString(bytes).IndexOf("IDAT", StringComparison.Ordinal) + 4;
        bytes[data + bytesIntoTheData] ^= 0x08;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<DatasetFormatException>(() => ImageFolder.Load(dir.Path, Small));

        Assert.Equal(path, error.FileName);
        Assert.Matches("corrupt|truncated", error.Message);
    }

    [Fact]
    public void Several_corrupt_images_name_the_first_and_count_the_rest()
    {
        using var dir = new TempDirectory();
        foreach (string name in new[] { "c.png", "a.png", "b.jpeg" })
            File.WriteAllBytes(Path.Combine(Directory.CreateDirectory(Path.Combine(dir.Path, "cls")).FullName, name), [1, 2, 3]);

        var error = Assert.Throws<DatasetFormatException>(() => ImageFolder.Load(dir.Path, Small));

        Assert.Equal(Path.Combine(dir.Path, "cls", "a.png"), error.FileName);
        Assert.Contains("2 more image(s)", error.Message);
    }

    [Fact]
    public void An_empty_class_folder_is_named()
    {
        using var dir = new TempDirectory();
        WriteSolid(Path.Combine(dir.Path, "full"), "a.png", 8, 8, SKColors.White, SKEncodedImageFormat.Png);
        string empty = Directory.CreateDirectory(Path.Combine(dir.Path, "empty")).FullName;
        File.WriteAllText(Path.Combine(empty, "labels.csv"), "x");

        var error = Assert.Throws<DatasetFormatException>(() => ImageFolder.Scan(dir.Path));

        Assert.Equal(empty, error.FileName);
        Assert.Contains("'empty' has no .jpg, .jpeg or .png image (1 other file(s))", error.Message);
    }

    [Fact]
    public void A_root_without_class_folders_is_rejected_with_the_layout_it_needs()
    {
        using var dir = new TempDirectory();
        WriteSolid(dir.Path, "loose.png", 8, 8, SKColors.White, SKEncodedImageFormat.Png);

        var error = Assert.Throws<DatasetFormatException>(() => ImageFolder.Scan(dir.Path));

        Assert.Contains("no class folders", error.Message);
        Assert.Contains("1 image file(s) directly", error.Message);
    }

    [Fact]
    public void A_crop_larger_than_the_resized_side_is_refused()
    {
        var options = new ImageFolderOptions { ImageSize = 224, ResizeShorterSide = 200 };

        Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
    }

    [Fact]
    public void The_imagenet_preset_resizes_to_eight_sevenths_of_the_crop()
    {
        Assert.Equal(256, ImageFolderOptions.ImageNet().ResizeShorterSide);
        Assert.Equal(128, ImageFolderOptions.ImageNet(112).ResizeShorterSide);
    }
}
