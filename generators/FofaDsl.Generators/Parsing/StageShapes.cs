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

    /// <summary>MobileNetV2 (width 1.0): stem 32 channels at ceil(S/2); stages 24, 32, 96, 1280 channels at strides 4, 8, 16, 32 (padded convolutions round up).</summary>
    public static (StageShape Stem, ImmutableArray<StageShape> Stages) MobileNetV2(int imageSize)
    {
        var size = HalfUp(imageSize);
        var stem = StageShape.Spatial(32, size, size);
        var channels = new[] { 24, 32, 96, 1280 };
        var stages = ImmutableArray.CreateBuilder<StageShape>(4);
        foreach (var c in channels)
        {
            size = HalfUp(size);
            stages.Add(StageShape.Spatial(c, size, size));
        }
        return (stem, stages.MoveToImmutable());
    }

    /// <summary>ConvNeXt: a 4x4 stride-4 patchify stem, then 2x2 stride-2 downsampling before stages 2..4 (unpadded: sizes round down).</summary>
    public static (StageShape Stem, ImmutableArray<StageShape> Stages) ConvNeXt(int imageSize, int baseWidth)
    {
        var size = imageSize / 4;
        var stem = StageShape.Spatial(baseWidth, size, size);
        var stages = ImmutableArray.CreateBuilder<StageShape>(4);
        for (var i = 0; i < 4; i++)
        {
            if (i > 0) size /= 2;
            stages.Add(StageShape.Spatial(baseWidth << i, size, size));
        }
        return (stem, stages.MoveToImmutable());
    }

    /// <summary>Swin: patch tokens on a (S/P)^2 grid, halved with doubled width by the patch merging before stages 2..4; no class token.</summary>
    public static (StageShape Stem, ImmutableArray<StageShape> Stages) Swin(int imageSize, int patchSize, int embedDim)
    {
        var grid = imageSize / patchSize;
        var stem = StageShape.Tokens(embedDim, grid, grid, classToken: false);
        var stages = ImmutableArray.CreateBuilder<StageShape>(4);
        for (var i = 0; i < 4; i++)
        {
            if (i > 0) grid /= 2;
            stages.Add(StageShape.Tokens(embedDim << i, grid, grid, classToken: false));
        }
        return (stem, stages.MoveToImmutable());
    }

    /// <summary>MLP-Mixer and ResMLP: (S/P)^2 patch tokens of one width throughout; no class token.</summary>
    public static (StageShape Stem, ImmutableArray<StageShape> Stages) Mlp(int imageSize, int patchSize, int embedDim)
    {
        var grid = imageSize / patchSize;
        var shape = StageShape.Tokens(embedDim, grid, grid, classToken: false);
        return (shape, ImmutableArray.Create(shape, shape, shape, shape));
    }

    private static int HalfUp(int size) => (size + 1) / 2;

}
