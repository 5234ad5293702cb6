using FofaDsl.Methods.FitNet;
using FofaDsl.Stages;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.FitNet;

[Collection(TorchCollection.Name)]
public sealed class FitNetRegressorTests
{
    private static long[] Run(StageGeometry student, StageGeometry teacher, FitNetProjection expectedKind)
    {
        manual_seed(1);
        using var regressor = new FitNetRegressor(student, teacher);
        using var input = randn(student.ShapeFor(2));
        using var output = regressor.call(input);
        Assert.Equal(expectedKind, regressor.Kind);
        Assert.Equal(regressor.OutputShape(2), output.shape);
        return output.shape;
    }

    [Fact]
    public void SpatialToSpatialUsesConv1x1AndResizesToTheTeacherMap()
    {
        Assert.Equal([2, 16, 8, 8], Run(StageGeometry.Spatial(8, 8, 8), StageGeometry.Spatial(16, 8, 8), FitNetProjection.Conv1x1));
        Assert.Equal([2, 16, 4, 4], Run(StageGeometry.Spatial(8, 8, 8), StageGeometry.Spatial(16, 4, 4), FitNetProjection.Conv1x1));
        Assert.Equal([2, 6, 8, 8], Run(StageGeometry.Spatial(8, 2, 2), StageGeometry.Spatial(6, 8, 8), FitNetProjection.Conv1x1));
    }

    [Fact]
    public void SpatialToTokensGivesTheTeacherPatchTokensWithoutClassToken()
    {
        var teacher = StageGeometry.Tokens(12, 4, 4, hasClassToken: true);
        // Larger map: patch embedding with kernel = stride = 2 (8 / 4), and 1 for an equal map.
        Assert.Equal([2, 16, 12], Run(StageGeometry.Spatial(8, 8, 8), teacher, FitNetProjection.PatchEmbedding));
        Assert.Equal([2, 16, 12], Run(StageGeometry.Spatial(8, 4, 4), teacher, FitNetProjection.PatchEmbedding));
        // Map smaller than the token grid: channel expansion and upsampling.
        Assert.Equal([2, 16, 12], Run(StageGeometry.Spatial(8, 2, 2), teacher, FitNetProjection.Conv1x1));
    }

    [Fact]
    public void TokensToSpatialDropsTheClassTokenAndResizes()
    {
        var student = StageGeometry.Tokens(12, 4, 4, hasClassToken: true);
        Assert.Equal([2, 8, 4, 4], Run(student, StageGeometry.Spatial(8, 4, 4), FitNetProjection.Conv1x1));
        Assert.Equal([2, 8, 8, 8], Run(student, StageGeometry.Spatial(8, 8, 8), FitNetProjection.Conv1x1));
        Assert.Equal([2, 8, 2, 2], Run(student, StageGeometry.Spatial(8, 2, 2), FitNetProjection.Conv1x1));
    }

    [Fact]
    public void TokensToTokensProjectsTheWidthAndResizesTheGrid()
    {
        Assert.Equal([2, 16, 24], Run(StageGeometry.Tokens(12, 4, 4, true), StageGeometry.Tokens(24, 4, 4, true), FitNetProjection.Linear));
        Assert.Equal([2, 4, 24], Run(StageGeometry.Tokens(12, 4, 4, false), StageGeometry.Tokens(24, 2, 2, true), FitNetProjection.Linear));
        Assert.Equal([2, 64, 24], Run(StageGeometry.Tokens(12, 4, 4, true), StageGeometry.Tokens(24, 8, 8, false), FitNetProjection.Linear));
    }

    [Fact]
    public void SmallStudentMapIsUpsampledNearestOntoTheTokenGridRowMajor()
    {
        // One channel 2x2 map onto a 4x4 token grid of width 1 with weight 1 and bias 0:
        // token (y, x) must carry student pixel (y / 2, x / 2).
        using var regressor = new FitNetRegressor(StageGeometry.Spatial(1, 2, 2), StageGeometry.Tokens(1, 4, 4, hasClassToken: true));
        using (no_grad())
        {
            foreach (var (name, parameter) in regressor.named_parameters())
                parameter.copy_(name.EndsWith("weight") ? ones_like(parameter) : zeros_like(parameter));
        }
        using var map = tensor(new float[] { 1, 2, 3, 4 }).reshape(1, 1, 2, 2);
        using var tokens = regressor.call(map);
        Assert.Equal([1, 16, 1], tokens.shape);
        var values = tokens.data<float>().ToArray();
        for (var y = 0; y < 4; y++)
        for (var x = 0; x < 4; x++)
            Assert.Equal(1 + (y / 2) * 2 + x / 2, values[y * 4 + x]);
    }

    [Fact]
    public void PatchEmbeddingSumsEachPatchWithUnitWeights()
    {
        // 4x4 map onto a 2x2 token grid: kernel = stride = 2; with unit weights each token is its patch sum.
        using var regressor = new FitNetRegressor(StageGeometry.Spatial(1, 4, 4), StageGeometry.Tokens(1, 2, 2, hasClassToken: false));
        using (no_grad())
        {
            foreach (var (name, parameter) in regressor.named_parameters())
                parameter.copy_(name.EndsWith("weight") ? ones_like(parameter) : zeros_like(parameter));
        }
        using var map = arange(16, dtype: float32).reshape(1, 1, 4, 4);
        using var tokens = regressor.call(map);
        var values = tokens.data<float>().ToArray();
        for (var ty = 0; ty < 2; ty++)
        for (var tx = 0; tx < 2; tx++)
        {
            var expected = 0.0;
            for (var dy = 0; dy < 2; dy++)
            for (var dx = 0; dx < 2; dx++)
                expected += (2 * ty + dy) * 4 + 2 * tx + dx;
            Assert.Equal(expected, values[ty * 2 + tx], 4);
        }
    }
}
