namespace FofaDsl.Reporting;

/// <summary>
/// A viridis-like colour map (dark purple through teal and green to yellow): perceptually
/// ordered and readable in grey, as matplotlib's default that the paper's figures use.
/// </summary>
public static class ViridisColorMap
{
    // Nine evenly spaced samples of matplotlib's viridis; colours between are linear blends.
    private static readonly (byte R, byte G, byte B)[] Anchors =
    [
        (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
        (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37),
    ];

    /// <summary>The colour for the coldest value (0).</summary>
    public static (byte R, byte G, byte B) Cold => Anchors[0];

    /// <summary>The colour for the hottest value (1).</summary>
    public static (byte R, byte G, byte B) Hot => Anchors[^1];

    /// <summary>The colour of <paramref name="t"/>, clamped to [0, 1]; NaN maps to the cold end.</summary>
    public static (byte R, byte G, byte B) Map(float t)
    {
        if (float.IsNaN(t) || t <= 0)
            return Anchors[0];
        if (t >= 1)
            return Anchors[^1];

        float position = t * (Anchors.Length - 1);
        int lower = (int)position;
        float fraction = position - lower;
        var a = Anchors[lower];
        var b = Anchors[lower + 1];
        return (Lerp(a.R, b.R, fraction), Lerp(a.G, b.G, fraction), Lerp(a.B, b.B, fraction));
    }

    private static byte Lerp(byte a, byte b, float fraction) => (byte)MathF.Round(a + (b - a) * fraction);
}
