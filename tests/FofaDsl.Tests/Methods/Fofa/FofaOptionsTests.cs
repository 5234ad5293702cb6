using FofaDsl.Methods.Fofa;
using FofaDsl.Methods;

namespace FofaDsl.Tests.Methods.Fofa;

public sealed class FofaOptionsTests
{
    [Fact]
    public void DefaultsFollowTheSpec()
    {
        var options = new FofaOptions();
        options.Validate();
        Assert.Equal(64, options.Queries);
        Assert.Equal(512, options.TokenWidth);
        Assert.Equal(8, options.Heads);
        Assert.Equal([1, 2, 3, 4], options.PromptStages);
        Assert.Equal(4, options.GridSize);
        Assert.Equal(16, options.QueriesPerStage);
        Assert.True(options.UseRegionAwareAttention && options.UsePrompts && options.UseFeedback);
        Assert.False(options.ReferenceCodeQuirks);
        Assert.Equal(6, (options with { Queries = 144 }).GridSize);
    }

    [Theory]
    [InlineData(60, 512, 8, "Queries")]
    [InlineData(32, 512, 8, "Queries")]
    [InlineData(0, 512, 8, "Queries")]
    [InlineData(64, 500, 8, "Heads")]
    [InlineData(64, 512, 0, "Heads")]
    [InlineData(64, 0, 8, "TokenWidth")]
    public void RejectsInconsistentSizes(int queries, int width, int heads, string parameter)
    {
        var options = new FofaOptions(Queries: queries, TokenWidth: width, Heads: heads);
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(parameter, error.ParamName);
    }

    [Theory]
    [InlineData(new[] { 0, 1 })]
    [InlineData(new[] { 5 })]
    [InlineData(new[] { 2, 3, 2 })]
    public void RejectsBadPromptStages(int[] stages)
    {
        var options = new FofaOptions(PromptStages: stages);
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal("PromptStages", error.ParamName);
    }

    [Fact]
    public void LossWeightsDefaultToOneWithSmoothingAndValidate()
    {
        var weights = new FofaLossWeights();
        weights.Validate();
        Assert.Equal((1.0, 1.0, 1.0, 1.0, 1.0, 0.1),
            (weights.CrossEntropy, weights.LogitKd, weights.Feature, weights.PromptRegularisation, weights.Temperature, weights.LabelSmoothing));
        Assert.Throws<ArgumentException>((weights with { Feature = -1 }).Validate);
        Assert.Throws<ArgumentException>((weights with { Temperature = 0 }).Validate);
        Assert.Throws<ArgumentException>((weights with { LabelSmoothing = 1 }).Validate);
    }
}
