using FofaDsl.Methods.Fofa;
using FofaDsl.Stages;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.Fofa;

[Collection(TorchCollection.Name)]
public sealed class AdaptiveFeedbackPromptTests
{
    private static readonly StageGeometry Input = StageGeometry.Spatial(4, 8, 8);
    private static readonly StageGeometry Output = StageGeometry.Spatial(8, 4, 4);

    [Fact]
    public void FreshBlockIsTheIdentityBecauseBetaStartsAtZero()
    {
        manual_seed(20);
        using var afp = new AdaptiveFeedbackPrompt(Input, Output);
        afp.train();
        afp.UpdateFeedback(randn(2, 8, 4, 4));
        using var x = randn(2, 4, 8, 8);
        using var y = afp.call(x);
        Assert.Equal(0f, afp.Beta.item<float>());
        Assert.True(y.equal(x).all().item<bool>());
    }

    [Fact]
    public void FirstForwardSkipsFusionAndLaterOnesFuseTheStoredFeedback()
    {
        manual_seed(21);
        using var afp = new AdaptiveFeedbackPrompt(Input, Output);
        afp.train();
        using (no_grad()) afp.Beta.fill_(0.7);
        using var x = randn(2, 4, 8, 8);
        using var delta = randn(2, 8, 4, 4);

        using var first = afp.call(x);
        using var promptOnly = x + 0.7 * afp.Prompt.call(x);
        Assert.True(first.allclose(promptOnly, 1e-5, 1e-6));

        afp.UpdateFeedback(delta);
        using var second = afp.call(x);
        using var fused = x + 0.7 * afp.Prompt.call(afp.Fusion!.call(x, afp.FeedbackMap!.call(delta)));
        Assert.True(second.allclose(fused, 1e-5, 1e-6));
        Assert.False(second.allclose(first, 1e-5, 1e-6));
    }

    [Fact]
    public void FeedbackIsStoredDetachedOnlyInTrainingAndCanBeCleared()
    {
        manual_seed(22);
        using var afp = new AdaptiveFeedbackPrompt(Input, Output);
        using var delta = randn(2, 8, 4, 4).requires_grad_();
        afp.eval();
        afp.UpdateFeedback(delta);
        Assert.False(afp.HasFeedback);

        afp.train();
        afp.UpdateFeedback(delta);
        Assert.True(afp.HasFeedback);
        Assert.False(afp.Feedback!.requires_grad);
        Assert.True(afp.Feedback.equal(delta).all().item<bool>());

        afp.ClearFeedback();
        Assert.False(afp.HasFeedback);
    }

    [Fact]
    public void WithoutFeedbackTheBlockHasNoFusionAndStoresNothing()
    {
        using var afp = new AdaptiveFeedbackPrompt(Input, Output, useFeedback: false);
        afp.train();
        afp.UpdateFeedback(zeros(2, 8, 4, 4));
        Assert.False(afp.HasFeedback);
        Assert.Null(afp.Fusion);
        Assert.Null(afp.FeedbackMap);
    }

    [Fact]
    public void BatchSizeMismatchWithStoredFeedbackFailsClearly()
    {
        using var afp = new AdaptiveFeedbackPrompt(Input, Output);
        afp.train();
        afp.UpdateFeedback(zeros(3, 8, 4, 4));
        var error = Assert.Throws<InvalidOperationException>(() => afp.call(zeros(2, 4, 8, 8)));
        Assert.Contains("partial batch", error.Message);
    }

    [Theory]
    [InlineData(false, 0, 16)]
    [InlineData(true, 16, 0)]
    public void TokenInputsPassTheirClassTokenThroughUntouched(bool quirks, int untouched, int prompted)
    {
        manual_seed(23);
        var tokens = StageGeometry.Tokens(8, 4, 4, hasClassToken: true);
        using var afp = new AdaptiveFeedbackPrompt(tokens, tokens, referenceCodeQuirks: quirks);
        afp.train();
        using (no_grad()) afp.Beta.fill_(1.0);
        afp.UpdateFeedback(randn(2, 8, 4, 4));
        using var x = randn(2, 17, 8);
        using var y = afp.call(x);
        Assert.Equal([2, 17, 8], y.shape);
        Assert.True(y.select(1, untouched).equal(x.select(1, untouched)).all().item<bool>());
        Assert.False(y.select(1, prompted).allclose(x.select(1, prompted)));
    }
}
