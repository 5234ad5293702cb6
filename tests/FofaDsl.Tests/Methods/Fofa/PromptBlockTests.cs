using FofaDsl.Methods.Fofa;
using FofaDsl.Stages;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.Fofa;

[Collection(TorchCollection.Name)]
public sealed class PromptBlockTests
{
    [Theory]
    [InlineData(8, 4)]
    [InlineData(24, 4)]
    [InlineData(6, 3)]
    [InlineData(9, 3)]
    [InlineData(10, 2)]
    [InlineData(7, 1)]
    [InlineData(1, 1)]
    public void GroupsFallBackToTheLargestDivisorUpToFour(int channels, int groups)
    {
        Assert.Equal(groups, PromptBlock.GroupsFor(channels));
        using var block = new PromptBlock(channels);
        Assert.Equal(groups, block.Groups);
    }

    [Fact]
    public void QuirksSwitchTurnsThePromptIntoAPerChannelVector()
    {
        manual_seed(3);
        using var x = randn(2, 8, 5, 5);
        using var standard = new PromptBlock(8, seGateOnly: false);
        using var quirky = new PromptBlock(8, seGateOnly: true);
        using var a = standard.call(x);
        using var b = quirky.call(x);
        Assert.Equal([2, 8, 5, 5], a.shape);
        Assert.Equal([2, 8, 1, 1], b.shape);
    }

    [Fact]
    public void FeedbackAlignerIsIdentityOnlyWhenShapesAgree()
    {
        manual_seed(4);
        using var same = new FeedbackAligner(StageGeometry.Spatial(4, 8, 8), StageGeometry.Spatial(4, 8, 8));
        using var delta = randn(2, 4, 8, 8);
        using var passed = same.call(delta);
        Assert.True(same.IsIdentity);
        Assert.Empty(same.parameters());
        Assert.True(passed.equal(delta).all().item<bool>());

        using var down = new FeedbackAligner(StageGeometry.Spatial(8, 4, 4), StageGeometry.Spatial(4, 8, 8));
        using var small = randn(2, 8, 4, 4);
        using var mapped = down.call(small);
        Assert.False(down.IsIdentity);
        Assert.Equal([2, 4, 8, 8], mapped.shape);
    }
}
