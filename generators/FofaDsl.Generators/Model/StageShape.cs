using System.Globalization;

namespace FofaDsl.Generators.Model;

/// <summary>
/// A stage output shape without the batch dimension, mirroring the runtime's
/// <c>FofaDsl.Stages.StageGeometry</c>: spatial <c>[C, H, W]</c> or tokens <c>[L, D]</c>
/// over an <c>H x W</c> grid with an optional leading class token.
/// </summary>
internal sealed record StageShape(bool IsTokens, int Channels, int Height, int Width, bool HasClassToken)
{
    public static StageShape Spatial(int channels, int height, int width) => new(false, channels, height, width, false);

    public static StageShape Tokens(int dim, int height, int width, bool classToken) => new(true, dim, height, width, classToken);

    public int TokenCount => Height * Width + (HasClassToken ? 1 : 0);

    /// <summary>Shape with a batch dimension, as in XML docs: <c>[B, 64, 28, 28]</c> or <c>[B, 50, 96]</c>.</summary>
    public string TensorShape => IsTokens
        ? string.Format(CultureInfo.InvariantCulture, "[B, {0}, {1}]", TokenCount, Channels)
        : string.Format(CultureInfo.InvariantCulture, "[B, {0}, {1}, {2}]", Channels, Height, Width);

    /// <summary>What the shape means, as in diagnostics: <c>64 channels at 28x28</c> or <c>class token + 7x7 tokens of width 96</c>.</summary>
    public string Description => IsTokens
        ? string.Format(CultureInfo.InvariantCulture, "{0}{1}x{2} tokens of width {3}", HasClassToken ? "class token + " : "", Height, Width, Channels)
        : string.Format(CultureInfo.InvariantCulture, "{0} channels at {1}x{2}", Channels, Height, Width);

    /// <summary>C# expression creating the runtime geometry.</summary>
    public string RuntimeExpression => IsTokens
        ? string.Format(CultureInfo.InvariantCulture, "global::FofaDsl.Stages.StageGeometry.Tokens({0}, {1}, {2}, hasClassToken: {3})", Channels, Height, Width, HasClassToken ? "true" : "false")
        : string.Format(CultureInfo.InvariantCulture, "global::FofaDsl.Stages.StageGeometry.Spatial({0}, {1}, {2})", Channels, Height, Width);
}
