using System.Globalization;

namespace FofaDsl.Stages;

/// <summary>
/// The shape of one stage output without the batch dimension. A spatial stage is
/// <c>[Channels, Height, Width]</c>; a token stage is <c>[Tokens, Channels]</c> where the
/// patch tokens form a <c>Height x Width</c> grid, preceded by a class token when
/// <see cref="HasClassToken"/> is set.
/// </summary>
public readonly record struct StageGeometry(StageLayout Layout, int Channels, int Height, int Width, bool HasClassToken = false)
{
    /// <summary>A spatial map <c>[channels, size, size]</c>.</summary>
    public static StageGeometry Spatial(int channels, int height, int width) => new(StageLayout.Spatial, channels, height, width);

    /// <summary>A token sequence over a <c>gridHeight x gridWidth</c> patch grid of width <paramref name="dim"/>.</summary>
    public static StageGeometry Tokens(int dim, int gridHeight, int gridWidth, bool hasClassToken) =>
        new(StageLayout.Tokens, dim, gridHeight, gridWidth, hasClassToken);

    /// <summary>Number of tokens including the class token (token layout only).</summary>
    public int TokenCount => Height * Width + (HasClassToken ? 1 : 0);

    /// <summary>Number of spatial positions (patch tokens for token layouts, class token excluded).</summary>
    public int Positions => Height * Width;

    /// <summary>The full tensor shape for a batch of <paramref name="batch"/>.</summary>
    public long[] ShapeFor(long batch) => Layout == StageLayout.Spatial
        ? [batch, Channels, Height, Width]
        : [batch, TokenCount, Channels];

    /// <summary>Readable form used in diagnostics and docs, e.g. <c>64x56x56</c> or <c>197x384 (cls + 14x14)</c>.</summary>
    public override string ToString() => Layout == StageLayout.Spatial
        ? string.Create(CultureInfo.InvariantCulture, $"{Channels}x{Height}x{Width}")
        : string.Create(CultureInfo.InvariantCulture, $"{TokenCount}x{Channels} ({(HasClassToken ? "cls + " : "")}{Height}x{Width})");
}
