namespace FofaDsl.Generators.Model;

/// <summary>
/// The values of a model type's <c>[StageGeometry]</c> attribute, read from its symbol.
/// Mirrors <c>FofaDsl.Stages.StageGeometryAttribute</c>, including its evaluation rule.
/// </summary>
internal sealed record GeometryDeclaration(
    bool IsTokens,
    EquatableArray<int> Channels,
    EquatableArray<int> Strides,
    int StemChannels,
    int StemStride,
    bool ClassToken,
    bool RoundDown,
    int ReferenceWidth,
    int ReferencePatch)
{
    /// <summary>Stride after scaling with the patch knob and dividing by a stem divisor, as the runtime attribute computes it.</summary>
    public int ScaledStride(int stride, int patch, int divisor) =>
        System.Math.Max(1, (ReferencePatch > 0 && patch > 0 ? stride * patch / ReferencePatch : stride) / divisor);

    public StageShape Evaluate(int channels, int stride, int imageSize, int width, int patch, int divisor)
    {
        var scaledChannels = ReferenceWidth > 0 && width > 0 ? channels * width / ReferenceWidth : channels;
        var scaledStride = ScaledStride(stride, patch, divisor);
        var side = RoundDown ? imageSize / scaledStride : (imageSize + scaledStride - 1) / scaledStride;
        return IsTokens ? StageShape.Tokens(scaledChannels, side, side, ClassToken) : StageShape.Spatial(scaledChannels, side, side);
    }
}
