using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Reporting;

/// <summary>
/// Draws an attention map (e.g. RAA's query-by-key matrix, the paper's Figure 3) as a PNG heat
/// map in a viridis-like colour map, upsampled to the output size and, where a background
/// image is given, alpha-blended over it.
/// </summary>
/// <remarks>
/// Row <c>r</c>, column <c>c</c> of the map covers the output rectangle
/// <c>[c·W/cols, (c+1)·W/cols) × [r·H/rows, (r+1)·H/rows)</c>: rows run down, columns across.
/// A background with values in [0, 1] (float) or [0, 255] (byte) is shown as it is; other float
/// values (a normalised image) are stretched from their minimum to their maximum.
/// The file is replaced atomically.
/// </remarks>
public static class AttentionHeatmap
{
    /// <summary>Saves <paramref name="attention"/> (<c>[rows, cols]</c>) as an opaque heat map.</summary>
    /// <param name="path">The PNG file; replaced when it exists, its directory made when missing.</param>
    /// <param name="attention">The attention weights, <c>[rows, cols]</c>.</param>
    /// <param name="options">Size, colour range, smoothing and stage lines; defaults when <see langword="null"/>.</param>
    public static void Save(string path, float[,] attention, AttentionHeatmapOptions? options = null) =>
        Save(path, AttentionValues.From(attention), background: null, options);

    /// <summary>Saves <paramref name="attention"/> blended over a grey image <c>[H, W]</c>.</summary>
    /// <param name="path">The PNG file; replaced when it exists, its directory made when missing.</param>
    /// <param name="attention">The attention weights, <c>[rows, cols]</c>.</param>
    /// <param name="greyBackground">The image under the heat map, <c>[H, W]</c>.</param>
    /// <param name="options">Size, opacity, colour range, smoothing and stage lines; defaults when <see langword="null"/>.</param>
    public static void Save(string path, float[,] attention, float[,] greyBackground, AttentionHeatmapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(greyBackground);
        int height = greyBackground.GetLength(0), width = greyBackground.GetLength(1);
        var planes = new float[height * width];
        Buffer.BlockCopy(greyBackground, 0, planes, 0, planes.Length * sizeof(float));
        Save(path, AttentionValues.From(attention), BackgroundImage.FromFloatPlanes(planes, 1, height, width), options);
    }

    /// <summary>Saves <paramref name="attention"/> blended over a colour image <c>[3, H, W]</c>.</summary>
    /// <param name="path">The PNG file; replaced when it exists, its directory made when missing.</param>
    /// <param name="attention">The attention weights, <c>[rows, cols]</c>.</param>
    /// <param name="colourBackground">The image under the heat map, <c>[3, H, W]</c> (RGB planes).</param>
    /// <param name="options">Size, opacity, colour range, smoothing and stage lines; defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The background does not have three channels.</exception>
    public static void Save(string path, float[,] attention, float[,,] colourBackground, AttentionHeatmapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(colourBackground);
        if (colourBackground.GetLength(0) != 3)
            throw new ArgumentException($"A colour background is [3, H, W]; this one has {colourBackground.GetLength(0)} channels.", nameof(colourBackground));
        int height = colourBackground.GetLength(1), width = colourBackground.GetLength(2);
        var planes = new float[3 * height * width];
        Buffer.BlockCopy(colourBackground, 0, planes, 0, planes.Length * sizeof(float));
        Save(path, AttentionValues.From(attention), BackgroundImage.FromFloatPlanes(planes, 3, height, width), options);
    }

    /// <summary>
    /// Saves an attention tensor <c>[N, N]</c> (or any <c>[rows, cols]</c>), optionally over a
    /// background tensor <c>[H, W]</c>, <c>[1, H, W]</c> or <c>[3, H, W]</c> (float or byte). Tensors may
    /// live on any device and carry gradients; they are copied to the CPU and left unchanged.
    /// </summary>
    /// <param name="path">The PNG file; replaced when it exists, its directory made when missing.</param>
    /// <param name="attention">The attention weights, two-dimensional.</param>
    /// <param name="background">The image under the heat map, or <see langword="null"/> for none.</param>
    /// <param name="options">Size, opacity, colour range, smoothing and stage lines; defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">A tensor has the wrong number of dimensions or channels.</exception>
    public static void Save(string path, Tensor attention, Tensor? background = null, AttentionHeatmapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var bitmap = RenderBitmap(attention, background, options);
        Platform.AtomicFile.WriteAllBytes(path, EncodePng(bitmap));
    }

    /// <summary>Draws what <see cref="Save(string, Tensor, Tensor?, AttentionHeatmapOptions?)"/> saves, as a bitmap (panels of a larger figure).</summary>
    internal static SKBitmap RenderBitmap(Tensor attention, Tensor? background, AttentionHeatmapOptions? options)
    {
        ArgumentNullException.ThrowIfNull(attention);
        if (attention.dim() != 2)
            throw new ArgumentException($"An attention map is [rows, cols]; this tensor has shape [{string.Join(", ", attention.shape)}]. Select one head and one image first (e.g. attention[0]).", nameof(attention));

        AttentionValues values;
        BackgroundImage? image = null;
        using (var scope = NewDisposeScope())
        {
            var cpu = attention.detach().cpu().to_type(ScalarType.Float32).contiguous();
            values = new AttentionValues(cpu.data<float>().ToArray(), (int)cpu.shape[0], (int)cpu.shape[1]);
            if (background is not null)
                image = BackgroundFromTensor(background);
        }
        return Render(values, image, options);
    }

    /// <summary>The bitmap as PNG bytes.</summary>
    internal static byte[] EncodePng(SKBitmap bitmap)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static void Save(string path, AttentionValues attention, BackgroundImage? background, AttentionHeatmapOptions? options)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var bitmap = Render(attention, background, options);
        Platform.AtomicFile.WriteAllBytes(path, EncodePng(bitmap));
    }

    private static SKBitmap Render(AttentionValues attention, BackgroundImage? background, AttentionHeatmapOptions? options)
    {
        options ??= new AttentionHeatmapOptions();
        options.Validate();
        ValidateStageSizes(options.StageSizes, attention);
        int width = options.Width, height = options.Height;
        using var heat = ColourCells(attention, options.Range);
        bool downscale = attention.Cols > width || attention.Rows > height;
        var sampling = options.Smooth || downscale
            ? new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)
            : new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None);
        var output = Upsample(heat, width, height, sampling);

        if (background is not null)
        {
            using var backgroundBitmap = background.ToBitmap();
            using var scaledBackground = Upsample(backgroundBitmap, width, height, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
            Blend(output, scaledBackground, options.Opacity);
        }

        if (options.StageSizes is not null)
            DrawStageLines(output, options.StageSizes, attention);
        return output;
    }

    // One pixel per cell, coloured by the value's place in the range.
    private static SKBitmap ColourCells(AttentionValues attention, (float Min, float Max)? range)
    {
        var (min, max) = range ?? FiniteRange(attention.Values);
        float span = max - min;
        var bitmap = new SKBitmap(new SKImageInfo(attention.Cols, attention.Rows, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        for (int i = 0; i < attention.Values.Length; i++)
        {
            // A constant map has no range: draw it mid-scale rather than divide by zero.
            float t = span > 0 ? (attention.Values[i] - min) / span : 0.5f;
            var (r, g, b) = ViridisColorMap.Map(t);
            int row = i / attention.Cols, col = i % attention.Cols;
            int at = row * bitmap.RowBytes + 4 * col;
            pixels[at] = r;
            pixels[at + 1] = g;
            pixels[at + 2] = b;
            pixels[at + 3] = 255;
        }
        return bitmap;
    }

    private static (float Min, float Max) FiniteRange(float[] values)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float value in values)
        {
            if (!float.IsFinite(value))
                continue;
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }
        return min <= max ? (min, max) : (0, 1);
    }

    private static SKBitmap Upsample(SKBitmap source, int width, int height, SKSamplingOptions sampling)
    {
        var target = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(target);
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, new SKRect(0, 0, source.Width, source.Height), new SKRect(0, 0, width, height), sampling, null);
        return target;
    }

    // out = opacity · heat + (1 − opacity) · background, per channel, in place on heat.
    private static void Blend(SKBitmap heat, SKBitmap background, float opacity)
    {
        var heatPixels = heat.GetPixelSpan();
        var backgroundPixels = background.GetPixelSpan();
        for (int y = 0; y < heat.Height; y++)
        {
            for (int x = 0; x < heat.Width; x++)
            {
                int at = y * heat.RowBytes + 4 * x;
                int from = y * background.RowBytes + 4 * x;
                for (int channel = 0; channel < 3; channel++)
                {
                    float mixed = opacity * heatPixels[at + channel] + (1 - opacity) * backgroundPixels[from + channel];
                    heatPixels[at + channel] = (byte)Math.Clamp(MathF.Round(mixed), 0, 255);
                }
            }
        }
    }

    private static void DrawStageLines(SKBitmap output, IReadOnlyList<int> stageSizes, AttentionValues attention)
    {
        using var canvas = new SKCanvas(output);
        using var paint = new SKPaint { Color = SKColors.White, IsAntialias = false, Style = SKPaintStyle.Fill };
        // Whole-pixel lines, so a boundary is crisp and lands on the same pixels every time.
        int thickness = Math.Max(1, Math.Min(output.Width, output.Height) / 256);
        int boundary = 0;
        for (int stage = 0; stage < stageSizes.Count - 1; stage++)
        {
            boundary += stageSizes[stage];
            int x = (int)Math.Round((double)boundary * output.Width / attention.Cols) - thickness / 2;
            int y = (int)Math.Round((double)boundary * output.Height / attention.Rows) - thickness / 2;
            canvas.DrawRect(SKRect.Create(x, 0, thickness, output.Height), paint);
            canvas.DrawRect(SKRect.Create(0, y, output.Width, thickness), paint);
        }
    }

    private static void ValidateStageSizes(IReadOnlyList<int>? stageSizes, AttentionValues attention)
    {
        if (stageSizes is null)
            return;
        int total = stageSizes.Sum();
        if (total != attention.Rows || total != attention.Cols)
        {
            throw new ArgumentException(
                $"The stage sizes [{string.Join(", ", stageSizes)}] add up to {total}, but the map is [{attention.Rows}, {attention.Cols}]; stage lines need a square map whose side is their sum.",
                nameof(AttentionHeatmapOptions.StageSizes));
        }
    }

    private static BackgroundImage BackgroundFromTensor(Tensor background)
    {
        long[] shape = background.shape;
        bool grey2d = shape.Length == 2;
        bool planes3d = shape.Length == 3 && (shape[0] == 1 || shape[0] == 3);
        if (!grey2d && !planes3d)
            throw new ArgumentException($"A background image is [H, W], [1, H, W] or [3, H, W]; this tensor has shape [{string.Join(", ", shape)}].", nameof(background));

        int channels = grey2d ? 1 : (int)shape[0];
        int height = (int)shape[^2], width = (int)shape[^1];
        var cpu = background.detach().cpu().contiguous();
        if (cpu.dtype == ScalarType.Byte)
            return BackgroundImage.FromBytePlanes(cpu.data<byte>().ToArray(), channels, height, width);
        return BackgroundImage.FromFloatPlanes(cpu.to_type(ScalarType.Float32).data<float>().ToArray(), channels, height, width);
    }

    /// <summary>Attention weights flattened row by row.</summary>
    private sealed record AttentionValues(float[] Values, int Rows, int Cols)
    {
        public static AttentionValues From(float[,] attention)
        {
            ArgumentNullException.ThrowIfNull(attention);
            int rows = attention.GetLength(0), cols = attention.GetLength(1);
            if (rows == 0 || cols == 0)
                throw new ArgumentException("The attention map is empty.", nameof(attention));
            var values = new float[rows * cols];
            Buffer.BlockCopy(attention, 0, values, 0, values.Length * sizeof(float));
            return new AttentionValues(values, rows, cols);
        }
    }
}
