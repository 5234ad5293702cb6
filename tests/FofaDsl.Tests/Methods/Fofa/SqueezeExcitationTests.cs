using FofaDsl.Methods.Fofa;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.Fofa;

[Collection(TorchCollection.Name)]
public sealed class SqueezeExcitationTests
{
    private static readonly float[] Input = [1, 2, 3, 4, /* channel 1 */ -1, 0, 2, 3];

    private static SqueezeExcitation Build(bool gateOnly)
    {
        var se = new SqueezeExcitation(2, 16, gateOnly);
        using var _ = no_grad();
        se.Compress.Weight.copy_(tensor(new float[] { 0.5f, -1f }, [1, 2, 1, 1]));
        se.Compress.Bias!.copy_(tensor(new float[] { 0.1f }));
        se.Excitation.Weight.copy_(tensor(new float[] { 1f, -2f }, [2, 1, 1, 1]));
        se.Excitation.Bias!.copy_(tensor(new float[] { 0f, 0.5f }));
        return se;
    }

    private static double[] HandGate()
    {
        double m0 = (1 + 2 + 3 + 4) / 4.0, m1 = (-1 + 0 + 2 + 3) / 4.0;
        var z = Math.Max(0, 0.5 * m0 - 1.0 * m1 + 0.1);
        static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
        return [Sigmoid(1.0 * z + 0.0), Sigmoid(-2.0 * z + 0.5)];
    }

    [Fact]
    public void StandardBlockScalesTheInputByTheGate()
    {
        using var se = Build(gateOnly: false);
        using var x = tensor(Input, [1, 2, 2, 2]);
        using var y = se.call(x);
        Assert.Equal([1, 2, 2, 2], y.shape);
        var gate = HandGate();
        var values = y.data<float>().ToArray();
        for (var i = 0; i < 8; i++) Assert.Equal(Input[i] * gate[i / 4], values[i], 5);
    }

    [Fact]
    public void QuirkModeReturnsOnlyTheGate()
    {
        using var se = Build(gateOnly: true);
        using var x = tensor(Input, [1, 2, 2, 2]);
        using var y = se.call(x);
        Assert.Equal([1, 2, 1, 1], y.shape);
        var gate = HandGate();
        var values = y.data<float>().ToArray();
        Assert.Equal(gate[0], values[0], 5);
        Assert.Equal(gate[1], values[1], 5);
    }

    [Fact]
    public void NarrowInputsKeepAOneChannelBottleneck()
    {
        using var se = new SqueezeExcitation(4);
        Assert.Equal([1, 4, 1, 1], se.Compress.Weight.shape);
        using var wide = new SqueezeExcitation(64);
        Assert.Equal([4, 64, 1, 1], wide.Compress.Weight.shape);
    }
}
