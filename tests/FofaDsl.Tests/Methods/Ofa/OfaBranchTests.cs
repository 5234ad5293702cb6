using FofaDsl.Methods.Ofa;
using FofaDsl.Stages;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.Ofa;

[Collection(TorchCollection.Name)]
public sealed class OfaBranchTests
{
    [Theory]
    [InlineData(16, 2)] // 16 -> 8 -> 4
    [InlineData(8, 1)]  // 8 -> 4
    [InlineData(4, 1)]  // already small: one stride-1 block
    public void SpatialStageGivesLogitsAfterStrideTwoBlocks(int side, int expectedBlocks)
    {
        manual_seed(3);
        using var branch = new OfaBranch(StageGeometry.Spatial(8, side, side), numClasses: 10, width: 32);
        using var feature = randn(2, 8, side, side);
        using var logits = branch.call(feature);
        Assert.Equal([2, 10], logits.shape);
        Assert.Equal(expectedBlocks, branch.Reductions);
    }

    [Theory]
    [InlineData(14, 1, true)]  // 14 -> 7
    [InlineData(4, 0, true)]   // already small
    [InlineData(16, 2, false)] // 16 -> 8 -> 4, no class token
    public void TokenStageGivesLogitsAfterPatchMerging(int grid, int expectedMerges, bool classToken)
    {
        manual_seed(4);
        var stage = StageGeometry.Tokens(8, grid, grid, classToken);
        using var branch = new OfaBranch(stage, numClasses: 5, width: 16, transformerBlocks: 2, heads: 4);
        using var feature = randn(stage.ShapeFor(2));
        using var logits = branch.call(feature);
        Assert.Equal([2, 5], logits.shape);
        Assert.Equal(expectedMerges, branch.Reductions);
    }

    [Fact]
    public void TokenBranchRejectsHeadsThatDoNotDivideTheWidth() =>
        Assert.Throws<ArgumentException>(() => new OfaBranch(StageGeometry.Tokens(8, 4, 4, true), 5, width: 10, heads: 4));
}
