using FofaDsl.Methods.Fofa;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.Fofa;

[Collection(TorchCollection.Name)]
public sealed class HierarchicalContextLossTests
{
    [Fact]
    public void LevelsAtSevenAreFourTwoOneWithHalvingWeights()
    {
        var levels = HierarchicalContextLoss.PoolingLevels(7);
        Assert.Equal([(4, 0.5), (2, 0.25), (1, 0.125)], levels);
    }

    [Fact]
    public void LevelsAtFourSkipLevelFour()
    {
        var levels = HierarchicalContextLoss.PoolingLevels(4);
        Assert.Equal([(2, 0.5), (1, 0.25)], levels);
        Assert.Equal([(1, 0.5)], HierarchicalContextLoss.PoolingLevels(2));
        Assert.Empty(HierarchicalContextLoss.PoolingLevels(1));
    }

    [Fact]
    public void MatchesHandComputedValueAtHeightFour()
    {
        // One sample, one channel: a = 0..15 row-major, b = 0 everywhere except a bright top-left quadrant.
        var a = new double[4, 4];
        var b = new double[4, 4];
        for (var i = 0; i < 4; i++)
        for (var j = 0; j < 4; j++)
        {
            a[i, j] = i * 4 + j;
            b[i, j] = i < 2 && j < 2 ? 10 : 0;
        }

        // Full term: mean((a-b)^2). Levels 2 and 1 with weights 1/2, 1/4; normalised by 1.75.
        var full = LossTestMath.Mse([a], [b]);
        var level2 = LossTestMath.Mse([LossTestMath.AdaptivePool(a, 2)], [LossTestMath.AdaptivePool(b, 2)]);
        var level1 = LossTestMath.Mse([LossTestMath.AdaptivePool(a, 1)], [LossTestMath.AdaptivePool(b, 1)]);
        var expected = (full + 0.5 * level2 + 0.25 * level1) / 1.75;

        using var ta = ToTensor([a]);
        using var tb = ToTensor([b]);
        using var loss = HierarchicalContextLoss.Compute(ta, tb);
        Assert.Equal(expected, loss.item<float>(), 3);
    }

    [Fact]
    public void MatchesHandComputedValueAtHeightSevenWithUnevenPoolingBins()
    {
        manual_seed(11);
        using var ta = randn(1, 2, 7, 7);
        using var tb = randn(1, 2, 7, 7);
        var a = ToPlanes(ta);
        var b = ToPlanes(tb);

        var expected = LossTestMath.Mse(a, b);
        var weightSum = 1.0;
        foreach (var (level, weight) in new[] { (4, 0.5), (2, 0.25), (1, 0.125) })
        {
            expected += weight * LossTestMath.Mse(
                a.Select(p => LossTestMath.AdaptivePool(p, level)).ToList(),
                b.Select(p => LossTestMath.AdaptivePool(p, level)).ToList());
            weightSum += weight;
        }
        expected /= weightSum;

        using var loss = HierarchicalContextLoss.Compute(ta, tb);
        Assert.Equal(expected, loss.item<float>(), 5);
    }

    [Fact]
    public void RejectsShapeMismatch()
    {
        using var a = zeros(1, 2, 4, 4);
        using var b = zeros(1, 2, 2, 2);
        Assert.Throws<ArgumentException>(() => HierarchicalContextLoss.Compute(a, b));
    }

    private static Tensor ToTensor(double[][,] planes)
    {
        int h = planes[0].GetLength(0), w = planes[0].GetLength(1);
        var values = new float[planes.Length * h * w];
        for (var k = 0; k < planes.Length; k++)
        for (var i = 0; i < h; i++)
        for (var j = 0; j < w; j++)
            values[(k * h + i) * w + j] = (float)planes[k][i, j];
        return tensor(values, [1, planes.Length, h, w]);
    }

    private static List<double[,]> ToPlanes(Tensor x)
    {
        var values = x.data<float>().ToArray();
        int channels = (int)x.shape[1], h = (int)x.shape[2], w = (int)x.shape[3];
        var planes = new List<double[,]>();
        for (var k = 0; k < channels; k++)
        {
            var plane = new double[h, w];
            for (var i = 0; i < h; i++)
            for (var j = 0; j < w; j++)
                plane[i, j] = values[(k * h + i) * w + j];
            planes.Add(plane);
        }
        return planes;
    }
}
