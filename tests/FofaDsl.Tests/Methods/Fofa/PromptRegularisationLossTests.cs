using FofaDsl.Methods.Fofa;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.Fofa;

[Collection(TorchCollection.Name)]
public sealed class PromptRegularisationLossTests
{
    [Fact]
    public void IsKlFromPlainToPromptedTeacherAtTemperatureOne()
    {
        double[][] plain = [[2.0, 0.0, -1.0], [0.0, 0.0, 0.0]];
        double[][] prompted = [[1.0, 1.0, 0.0], [3.0, -2.0, 0.5]];
        using var plainT = tensor(plain.SelectMany(r => r).Select(v => (float)v).ToArray(), [2, 3]);
        using var promptedT = tensor(prompted.SelectMany(r => r).Select(v => (float)v).ToArray(), [2, 3]);

        using var loss = PromptRegularisationLoss.Compute(plainT, promptedT);

        // KL(p_t || p^_t): the plain teacher is the target distribution.
        var expected = plain.Select((p, b) => LossTestMath.Kl(LossTestMath.Softmax(p, 1), LossTestMath.Softmax(prompted[b], 1))).Average();
        var reversed = prompted.Select((p, b) => LossTestMath.Kl(LossTestMath.Softmax(p, 1), LossTestMath.Softmax(plain[b], 1))).Average();
        Assert.NotEqual(expected, reversed, 3);
        Assert.Equal(expected, loss.item<float>(), 5);
    }

    [Fact]
    public void OnlyThePromptedLogitsReceiveGradient()
    {
        using var plain = tensor(new float[] { 1, 2, 3 }, [1, 3]).requires_grad_();
        using var prompted = tensor(new float[] { 3, 2, 1 }, [1, 3]).requires_grad_();
        using var loss = PromptRegularisationLoss.Compute(plain, prompted);
        loss.backward();
        Assert.Null(plain.grad);
        Assert.NotNull(prompted.grad);
        Assert.True(prompted.grad!.abs().sum().item<float>() > 0);
    }
}
