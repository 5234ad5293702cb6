using FofaDsl.Backbones;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Backbones;

[Collection(TorchCollection.Name)]
public sealed class MixerPartsTests
{
    [Fact]
    public void Affine_computes_alpha_times_x_plus_beta()
    {
        using var affine = new Affine(3);
        var parameters = affine.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using (torch.no_grad())
        {
            parameters["alpha"].copy_(tensor(new float[] { 2, -1, 0.5f }).reshape(1, 1, 3));
            parameters["beta"].copy_(tensor(new float[] { 1, 0, -2 }).reshape(1, 1, 3));
        }
        using var x = tensor(new float[] { 1, 2, 3, -1, 0, 4 }).reshape(1, 2, 3);
        using var y = affine.call(x);

        // Token 1: 2*1+1, -1*2+0, 0.5*3-2. Token 2: 2*-1+1, -1*0+0, 0.5*4-2.
        using var expected = tensor(new float[] { 3, -2, -0.5f, -1, 0, 0 }).reshape(1, 2, 3);
        Assert.True(allclose(expected, y));
    }

    [Fact]
    public void Drop_path_drops_whole_samples_and_rescales_the_rest()
    {
        torch.manual_seed(41);
        using var dropPath = new DropPath(0.25);
        using var x = ones(4000, 3, 2);
        dropPath.train();
        using var y = dropPath.call(x);

        // Every sample is either all 0 or all 1 / (1 - 0.25).
        using var perSample = y.reshape(4000, 6);
        using var first = perSample[.., 0].unsqueeze(1);
        Assert.True(perSample.eq(first).all().item<bool>());
        using var isZero = first.eq(0);
        using var isScaled = first.sub(1 / 0.75).abs().lt(1e-5);
        Assert.True(isZero.logical_or(isScaled).all().item<bool>());
        var droppedFraction = isZero.to_type(ScalarType.Float32).mean().item<float>();
        Assert.InRange(droppedFraction, 0.22, 0.28);

        dropPath.eval();
        using var unchanged = dropPath.call(x);
        Assert.True(x.eq(unchanged).all().item<bool>());
    }

    [Fact]
    public void Drop_path_rate_must_be_below_one()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DropPath(1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DropPath(-0.1));
    }
}
