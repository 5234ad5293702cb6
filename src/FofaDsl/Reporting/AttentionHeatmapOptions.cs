namespace FofaDsl.Reporting;

/// <summary>How <see cref="AttentionHeatmap"/> draws an attention map.</summary>
public sealed record AttentionHeatmapOptions
{
    /// <summary>Output width in pixels.</summary>
    public int Width { get; init; } = 512;

    /// <summary>Output height in pixels.</summary>
    public int Height { get; init; } = 512;

    /// <summary>
    /// Opacity of the heat colours over a background image (0 shows only the image, 1 only the
    /// heat map). Without a background the heat map is drawn opaque.
    /// </summary>
    public float Opacity { get; init; } = 0.6f;

    /// <summary>
    /// Blend between cells (bilinear) instead of drawing each cell as a sharp block (nearest).
    /// Sharp blocks suit a query-by-key matrix; smooth suits a spatial map over an image.
    /// </summary>
    public bool Smooth { get; init; }

    /// <summary>
    /// The value drawn coldest and the value drawn hottest; <see langword="null"/> stretches the
    /// map's own minimum and maximum to the whole colour range.
    /// </summary>
    public (float Min, float Max)? Range { get; init; }

    /// <summary>
    /// Queries (rows) and keys (columns) per stage, e.g. <c>[16, 16, 16, 16]</c> for RAA with 64
    /// queries over four stages: thin white lines are drawn between stages, as in the paper's
    /// Figure 3. <see langword="null"/> draws none. The sizes must add up to the map's side.
    /// </summary>
    public IReadOnlyList<int>? StageSizes { get; init; }

    /// <summary>Throws when an option is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or the opacity is outside [0, 1].</exception>
    /// <exception cref="ArgumentException">The range is empty or not finite.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Width, 1, nameof(Width));
        ArgumentOutOfRangeException.ThrowIfLessThan(Height, 1, nameof(Height));
        if (!(Opacity >= 0 && Opacity <= 1))
            throw new ArgumentOutOfRangeException(nameof(Opacity), Opacity, "The opacity must lie in [0, 1].");
        if (Range is (float min, float max) && !(float.IsFinite(min) && float.IsFinite(max) && max > min))
            throw new ArgumentException($"The colour range ({min}, {max}) must be finite with Max > Min.", nameof(Range));
        if (StageSizes is not null && StageSizes.Any(size => size <= 0))
            throw new ArgumentOutOfRangeException(nameof(StageSizes), "Every stage size must be positive.");
    }
}
