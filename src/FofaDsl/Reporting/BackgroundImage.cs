using SkiaSharp;

namespace FofaDsl.Reporting;

/// <summary>An image to draw a heat map over: RGB bytes, converted from grey or colour planes.</summary>
internal sealed class BackgroundImage
{
    private readonly byte[] rgb;

    private BackgroundImage(byte[] rgb, int height, int width)
    {
        this.rgb = rgb;
        Height = height;
        Width = width;
    }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>
    /// From <c>[channels, H, W]</c> planes (1 or 3 channels): values in [0, 1] as they are, any other
    /// range stretched from its minimum to its maximum over all channels (keeps the colour balance).
    /// </summary>
    public static BackgroundImage FromFloatPlanes(float[] planes, int channels, int height, int width)
    {
        if (height <= 0 || width <= 0)
            throw new ArgumentException("The background image is empty.");
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float value in planes)
        {
            if (!float.IsFinite(value))
                continue;
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }
        bool unitRange = min >= 0 && max <= 1;
        float offset = unitRange ? 0 : min;
        float scale = unitRange ? 1 : max > min ? 1 / (max - min) : 0;

        var bytes = new byte[planes.Length];
        for (int i = 0; i < planes.Length; i++)
        {
            float value = float.IsFinite(planes[i]) ? (planes[i] - offset) * scale : 0;
            bytes[i] = (byte)Math.Clamp(MathF.Round(value * 255), 0, 255);
        }
        return FromBytePlanes(bytes, channels, height, width);
    }

    /// <summary>From <c>[channels, H, W]</c> byte planes (1 or 3 channels).</summary>
    public static BackgroundImage FromBytePlanes(byte[] planes, int channels, int height, int width)
    {
        if (channels is not (1 or 3))
            throw new ArgumentException($"A background image has 1 or 3 channels, not {channels}.");
        int plane = height * width;
        var rgb = new byte[3 * plane];
        for (int i = 0; i < plane; i++)
        {
            for (int channel = 0; channel < 3; channel++)
                rgb[3 * i + channel] = planes[(channels == 1 ? 0 : channel) * plane + i];
        }
        return new BackgroundImage(rgb, height, width);
    }

    /// <summary>An opaque RGBA bitmap of the image.</summary>
    public SKBitmap ToBitmap()
    {
        var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                int from = 3 * (y * Width + x);
                int at = y * bitmap.RowBytes + 4 * x;
                pixels[at] = rgb[from];
                pixels[at + 1] = rgb[from + 1];
                pixels[at + 2] = rgb[from + 2];
                pixels[at + 3] = 255;
            }
        }
        return bitmap;
    }
}
