using SkiaSharp;

namespace FofaDsl.Data;

/// <summary>
/// Decodes one JPEG or PNG file with SkiaSharp and writes it, resized and cropped as
/// <see cref="ImageFolderOptions"/> says, as <c>[C, H, W]</c> bytes.
/// </summary>
internal static class ImageFileDecoder
{
    // Linear filtering between mipmap levels: a large downscale averages pixels instead of
    // skipping them (close to torchvision's antialiased bilinear resize).
    private static readonly SKSamplingOptions Sampling = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    // The JPEG decoder can shrink by these factors while decoding, far cheaper than afterwards.
    private static readonly float[] DecodeScales = [0.125f, 0.25f, 0.5f];

    private const string FixHint = "Delete or replace the file, or convert it to JPEG or PNG.";

    /// <summary>Decodes <paramref name="path"/> into <paramref name="target"/> (<c>Channels * ImageSize * ImageSize</c> bytes).</summary>
    /// <exception cref="DatasetFormatException">The file is not a decodable JPEG or PNG image.</exception>
    public static void DecodeInto(string path, ImageFolderOptions options, Span<byte> target)
    {
        using var stream = File.OpenRead(path);
        using var codec = SKCodec.Create(stream, out var createResult);
        if (codec is null)
        {
            throw new DatasetFormatException(
                $"{path}: not a readable JPEG or PNG image (SkiaSharp: {createResult}); the file is corrupt, empty or not an image. {FixHint}",
                path);
        }

        var (resizedWidth, resizedHeight) = ResizedSize(codec.Info.Width, codec.Info.Height, options);
        var decodedSize = SmallestDecodeSize(codec, resizedWidth, resizedHeight);
        var decodedInfo = new SKImageInfo(decodedSize.Width, decodedSize.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var decoded = new SKBitmap(decodedInfo);
        var result = codec.GetPixels(decodedInfo, decoded.GetPixels());
        if (result != SKCodecResult.Success)
        {
            string what = result == SKCodecResult.IncompleteInput ? "the file is truncated" : "the image data is corrupt";
            throw new DatasetFormatException(
                $"{path}: the {codec.EncodedFormat} image could not be decoded (SkiaSharp: {result}); {what}. {FixHint}", path);
        }

        // Alpha is dropped, not blended, as PIL's convert("RGB") does: the stored colour stays.
        var opaqueInfo = decodedInfo.WithAlphaType(SKAlphaType.Opaque);
        using var source = SKImage.FromPixels(opaqueInfo, decoded.GetPixels(), decoded.RowBytes)
            ?? throw new DatasetFormatException($"{path}: SkiaSharp could not wrap the decoded pixels. {FixHint}", path);

        int size = options.ImageSize;
        using var output = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(output))
        {
            var sourceRect = CropRect(decodedSize.Width, decodedSize.Height, resizedWidth, resizedHeight, size);
            canvas.DrawImage(source, sourceRect, new SKRect(0, 0, size, size), Sampling, null);
        }

        WritePlanes(output.GetPixelSpan(), output.RowBytes, size, options.Grayscale, target);
    }

    /// <summary>
    /// The size the whole image is resized to before the crop: the shorter side to
    /// <see cref="ImageFolderOptions.ResizeShorterSide"/>, the longer one in proportion and
    /// truncated (as torchvision's <c>Resize(int)</c>); or the crop square itself.
    /// </summary>
    internal static (int Width, int Height) ResizedSize(int width, int height, ImageFolderOptions options)
    {
        if (options.ResizeShorterSide is not int shorter)
            return (options.ImageSize, options.ImageSize);
        return width <= height
            ? (shorter, (int)((long)shorter * height / width))
            : ((int)((long)shorter * width / height), shorter);
    }

    // Where the centre crop lies in the decoded image: the crop of the resized image, mapped back.
    private static SKRect CropRect(int decodedWidth, int decodedHeight, int resizedWidth, int resizedHeight, int size)
    {
        float left = (float)Math.Round((resizedWidth - size) / 2.0, MidpointRounding.ToEven);
        float top = (float)Math.Round((resizedHeight - size) / 2.0, MidpointRounding.ToEven);
        float scaleX = (float)decodedWidth / resizedWidth;
        float scaleY = (float)decodedHeight / resizedHeight;
        return new SKRect(left * scaleX, top * scaleY, (left + size) * scaleX, (top + size) * scaleY);
    }

    private static SKSizeI SmallestDecodeSize(SKCodec codec, int neededWidth, int neededHeight)
    {
        foreach (float scale in DecodeScales)
        {
            var scaled = codec.GetScaledDimensions(scale);
            if (scaled.Width >= neededWidth && scaled.Height >= neededHeight)
                return scaled;
        }
        return codec.Info.Size;
    }

    private static void WritePlanes(ReadOnlySpan<byte> rgba, int rowBytes, int size, bool grayscale, Span<byte> target)
    {
        int plane = size * size;
        for (int y = 0; y < size; y++)
        {
            var row = rgba.Slice(y * rowBytes, 4 * size);
            for (int x = 0; x < size; x++)
            {
                byte r = row[4 * x], g = row[4 * x + 1], b = row[4 * x + 2];
                int at = y * size + x;
                if (grayscale)
                {
                    // PIL's fixed-point ITU-R 601-2 luma: (299 R + 587 G + 114 B) / 1000, rounded.
                    target[at] = (byte)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
                    continue;
                }
                target[at] = r;
                target[plane + at] = g;
                target[2 * plane + at] = b;
            }
        }
    }
}
