using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// The window bookkeeping of the Swin Transformer: cutting a <c>[B, H, W, C]</c> grid into
/// square windows and back, the relative position index inside a window, and the attention
/// mask of shifted windows.
/// </summary>
public static class ShiftedWindows
{
    /// <summary>
    /// Value added to the attention scores of token pairs from different regions of a shifted
    /// window: timm's -100, which softmax turns into a weight of about 4e-44.
    /// </summary>
    public const float MaskedScore = -100f;

    /// <summary>
    /// <c>[B, H, W, C]</c> to windows <c>[B * nW, window * window, C]</c>, windows in row-major
    /// order within each image and tokens in row-major order within each window.
    /// </summary>
    public static Tensor Partition(Tensor grid, int window)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var (batch, height, width, channels) = (grid.shape[0], grid.shape[1], grid.shape[2], grid.shape[3]);
        return grid.view(batch, height / window, window, width / window, window, channels)
            .permute(0, 1, 3, 2, 4, 5)
            .reshape(-1, window * window, channels);
    }

    /// <summary>Inverse of <see cref="Partition"/>: windows <c>[B * nW, window * window, C]</c> to <c>[B, H, W, C]</c>.</summary>
    public static Tensor Merge(Tensor windows, int window, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var channels = windows.shape[2];
        return windows.view(-1, height / window, width / window, window, window, channels)
            .permute(0, 1, 3, 2, 4, 5)
            .reshape(-1, height, width, channels);
    }

    /// <summary>
    /// For every pair (i, j) of the <c>window * window</c> tokens of a window, the row of the
    /// relative position bias table holding their offset: <c>(dy + window - 1) * (2 * window - 1) + (dx + window - 1)</c>
    /// with <c>(dy, dx)</c> = position of i minus position of j. Shape <c>[N, N]</c>, int64.
    /// </summary>
    public static Tensor RelativePositionIndex(int window)
    {
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(window), window, "The window must be at least 1.");
        var count = window * window;
        var span = 2 * window - 1;
        var index = new long[count * count];
        for (var i = 0; i < count; i++)
        {
            for (var j = 0; j < count; j++)
            {
                var dy = i / window - j / window;
                var dx = i % window - j % window;
                index[i * count + j] = (dy + window - 1) * span + dx + window - 1;
            }
        }
        return tensor(index, [count, count]);
    }

    /// <summary>
    /// Region of every position of a <c>height x width</c> grid after the cyclic shift by
    /// <paramref name="shift"/>: the rolled grid is cut into the bands <c>[0, H - window)</c>,
    /// <c>[H - window, H - shift)</c> and <c>[H - shift, H)</c> on each axis, numbered
    /// <c>3 * row band + column band</c>. Tokens that wrapped around the border land in other
    /// regions than their window neighbours and must not attend to them.
    /// </summary>
    public static int[,] ShiftedRegions(int height, int width, int window, int shift)
    {
        static int Band(int position, int size, int window, int shift) =>
            position < size - window ? 0 : position < size - shift ? 1 : 2;

        var regions = new int[height, width];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                regions[y, x] = 3 * Band(y, height, window, shift) + Band(x, width, window, shift);
        return regions;
    }

    /// <summary>
    /// Additive attention mask of shifted windows, <c>[nW, N, N]</c> float32: 0 where tokens i and
    /// j of a window share a region of <see cref="ShiftedRegions"/>, <see cref="MaskedScore"/>
    /// elsewhere. Windows and tokens are ordered as in <see cref="Partition"/>.
    /// </summary>
    public static Tensor AttentionMask(int height, int width, int window, int shift)
    {
        if (window < 1 || height % window != 0 || width % window != 0)
            throw new ArgumentException($"The {height}x{width} grid is not divisible into windows of {window}.", nameof(window));
        if (shift < 1 || shift >= window)
            throw new ArgumentOutOfRangeException(nameof(shift), shift, $"The shift must be in 1..{window - 1}.");

        var regions = ShiftedRegions(height, width, window, shift);
        var count = window * window;
        var windowsAcross = width / window;
        var windowCount = height / window * windowsAcross;
        var mask = new float[windowCount * count * count];
        for (var w = 0; w < windowCount; w++)
        {
            int RegionOf(int token) =>
                regions[w / windowsAcross * window + token / window, w % windowsAcross * window + token % window];

            for (var i = 0; i < count; i++)
                for (var j = 0; j < count; j++)
                    mask[(w * count + i) * count + j] = RegionOf(i) == RegionOf(j) ? 0f : MaskedScore;
        }
        return tensor(mask, [windowCount, count, count]);
    }
}
