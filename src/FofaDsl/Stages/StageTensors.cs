using static TorchSharp.torch;

namespace FofaDsl.Stages;

/// <summary>Conversions between token and spatial stage tensors (method spec section 1).</summary>
public static class StageTensors
{
    /// <summary>
    /// <c>[B, C, H, W]</c> view of a stage output: spatial tensors pass through; token tensors
    /// lose their class token (the FIRST token) and are reshaped from <c>[B, H*W, D]</c>.
    /// </summary>
    public static Tensor ToSpatial(Tensor x, StageGeometry geometry)
    {
        if (geometry.Layout == StageLayout.Spatial) return x;
        var patches = geometry.HasClassToken ? x[.., 1..] : x;
        return patches.transpose(1, 2).reshape(x.shape[0], geometry.Channels, geometry.Height, geometry.Width);
    }

    /// <summary>Inverse of <see cref="ToSpatial"/> for the patch tokens: <c>[B, D, H, W]</c> to <c>[B, H*W, D]</c>.</summary>
    public static Tensor SpatialToTokens(Tensor spatial) => spatial.flatten(2).transpose(1, 2);

    /// <summary>The class token <c>[B, 1, D]</c> of a token stage, or null when it has none.</summary>
    public static Tensor? ClassToken(Tensor x, StageGeometry geometry) =>
        geometry.Layout == StageLayout.Tokens && geometry.HasClassToken ? x[.., ..1] : null;
}
