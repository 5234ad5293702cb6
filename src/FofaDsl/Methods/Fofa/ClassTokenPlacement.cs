using FofaDsl.Stages;
using static TorchSharp.torch;

namespace FofaDsl.Methods.Fofa;

/// <summary>
/// Token-to-spatial conversions that honour quirks 3 and 4 of the reference code (spec section 5): with
/// <c>classTokenLast</c> the LAST token is taken as the class token instead of timm's first, and a prompt's
/// spatial output goes back to tokens by reinterpreting its <c>[B, C, H, W]</c> memory as <c>[B, H*W, C]</c>.
/// </summary>
internal static class ClassTokenPlacement
{
    /// <summary><c>[B, C, H, W]</c> view of a stage output without its class token.</summary>
    public static Tensor ToSpatial(Tensor x, StageGeometry geometry, bool classTokenLast)
    {
        if (geometry.Layout == StageLayout.Spatial) return x;
        if (!geometry.HasClassToken || !classTokenLast) return StageTensors.ToSpatial(x, geometry);
        return StageTensors.ToSpatial(x.narrow(1, 0, x.shape[1] - 1), geometry with { HasClassToken = false });
    }

    /// <summary>Splits a stage tensor into its spatial patch map and its class token (null when absent).</summary>
    public static (Tensor Spatial, Tensor? ClassToken) Split(Tensor x, StageGeometry geometry, bool classTokenLast)
    {
        if (geometry.Layout == StageLayout.Spatial || !geometry.HasClassToken) return (StageTensors.ToSpatial(x, geometry), null);
        var classToken = classTokenLast ? x.narrow(1, x.shape[1] - 1, 1) : x.narrow(1, 0, 1);
        return (ToSpatial(x, geometry, classTokenLast), classToken);
    }

    /// <summary>
    /// Inverse of <see cref="Split"/>: back to the stage's own layout, the class token where it was. With
    /// <paramref name="classTokenLast"/> (the reference code's mode) the tokens are made as the authors' prompt block makes
    /// them (quirk 4): <c>reshape(b, h*w, d)</c> of the <c>[b, d, h, w]</c> map without permuting back, which scrambles
    /// channels and positions; the default permutes, so token <c>i</c> is position <c>i</c>.
    /// </summary>
    public static Tensor Join(Tensor spatial, Tensor? classToken, StageGeometry geometry, bool classTokenLast)
    {
        if (geometry.Layout == StageLayout.Spatial) return spatial;
        var tokens = classTokenLast
            ? spatial.contiguous().reshape(spatial.shape[0], spatial.shape[2] * spatial.shape[3], spatial.shape[1])
            : StageTensors.SpatialToTokens(spatial);
        if (classToken is null) return tokens;
        return classTokenLast ? cat([tokens, classToken], 1) : cat([classToken, tokens], 1);
    }
}
