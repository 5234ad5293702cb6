using System;
using System.Collections.Immutable;
using FofaDsl.Generators.Model;

namespace FofaDsl.Generators.Parsing;

/// <summary>
/// Stage shapes of each architecture at a given image size, computed exactly as the runtime
/// backbones produce them (a runtime test checks the two agree).
/// </summary>
internal static class StageShapes
{
    /// <summary>ResNet: stride-2 convolutions with padding give ceil(h / 2).</summary>
    public static (StageShape Stem, ImmutableArray<StageShape> Stages) ResNet(int imageSize, bool imageNetStem, int baseWidth)
    {
        var size = imageNetStem ? HalfUp(HalfUp(imageSize)) : imageSize;
        var stem = StageShape.Spatial(baseWidth, size, size);
        var stages = ImmutableArray.CreateBuilder<StageShape>(4);
        for (var i = 0; i < 4; i++)
        {
            if (i > 0) size = HalfUp(size);
            stages.Add(StageShape.Spatial(baseWidth << i, size, size));
        }
        return (stem, stages.MoveToImmutable());
    }

    /// <summary>ViT: every stage keeps the class token and the (image / patch)^2 patch tokens.</summary>
    public static (StageShape Stem, ImmutableArray<StageShape> Stages) VisionTransformer(int imageSize, int patchSize, int embedDim)
    {
        var grid = imageSize / patchSize;
        var shape = StageShape.Tokens(embedDim, grid, grid, classToken: true);
        return (shape, ImmutableArray.Create(shape, shape, shape, shape));
    }

    /// <summary>
    /// Last block (0-based) of each ViT stage: blocks 1, 3, 9, 11 at depth 12, scaled to other
    /// depths and made strictly increasing. Mirrors <c>VisionTransformerOptions.DefaultStageEnds</c>.
    /// </summary>
    public static ImmutableArray<int> VisionTransformerStageEnds(int depth)
    {
        var ends = new[]
        {
            CeilDiv(2 * depth, 12) - 1,
            CeilDiv(4 * depth, 12) - 1,
            CeilDiv(10 * depth, 12) - 1,
            depth - 1,
        };
        for (var i = 2; i >= 0; i--) ends[i] = Math.Min(ends[i], ends[i + 1] - 1);
        for (var i = 1; i < 4; i++) ends[i] = Math.Max(ends[i], ends[i - 1] + 1);
        return ImmutableArray.Create(ends);
    }

    private static int HalfUp(int size) => (size + 1) / 2;

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;
}
