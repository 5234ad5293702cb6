using FofaDsl.Methods.Fofa;
using FofaDsl.Stages;
using FofaDsl.Tests.TestModels;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.Fofa;

[Collection(TorchCollection.Name)]
public sealed class RegionAwareAttentionTests
{
    private static readonly FofaOptions Small = new(Queries: 16, TokenWidth: 16, Heads: 2);

    [Fact]
    public void SpatialStudentGivesFourBlocksOfGridTokens()
    {
        manual_seed(5);
        using var student = new TinySpatialBackbone();
        using var raa = new RegionAwareAttention(student.StageGeometries, new FofaOptions(Queries: 64, TokenWidth: 16, Heads: 4));
        var (_, stages) = student.ForwardWithStages(randn(3, 3, 16, 16));
        var blocks = raa.call(stages);
        Assert.Equal(4, blocks.Length);
        foreach (var block in blocks) Assert.Equal([3, 16, 16], block.shape);
    }

    [Fact]
    public void TokenStudentDropsItsClassTokenAndGivesFourBlocks()
    {
        manual_seed(6);
        using var student = new TinyTokenBackbone();
        using var raa = new RegionAwareAttention(student.StageGeometries, Small);
        var (_, stages) = student.ForwardWithStages(randn(2, 3, 16, 16));
        Assert.Equal([2, 17, 24], stages[0].shape);
        var blocks = raa.call(stages);
        foreach (var block in blocks) Assert.Equal([2, 4, 16], block.shape);
        Assert.Equal(2, raa.Projectors[0].PatchHeight);
    }

    [Fact]
    public void SmallMapsAreNearestUpsampledBeforeAOnePixelPatch()
    {
        // A 2x2 map with g = 4: p = ceil(2 / 4) = 1, so each of the 16 tokens is the 1x1 conv of the
        // nearest source pixel (i / 2, j / 2).
        manual_seed(7);
        using var embedding = new StagePatchEmbedding(StageGeometry.Spatial(3, 2, 2), grid: 4, dim: 5);
        using var x = randn(1, 3, 2, 2);
        using var tokens = embedding.call(x);
        Assert.Equal([1, 16, 5], tokens.shape);

        var weight = embedding.parameters().First().data<float>().ToArray(); // [5, 3, 1, 1]
        var bias = embedding.parameters().Last().data<float>().ToArray();
        var pixels = x.data<float>().ToArray();
        var actual = tokens.data<float>().ToArray();
        for (var i = 0; i < 4; i++)
        for (var j = 0; j < 4; j++)
        for (var o = 0; o < 5; o++)
        {
            double expected = bias[o];
            for (var c = 0; c < 3; c++) expected += weight[o * 3 + c] * pixels[c * 4 + (i / 2) * 2 + j / 2];
            Assert.Equal(expected, actual[(i * 4 + j) * 5 + o], 4);
        }
    }

    [Fact]
    public void SevenWideMapsUseTwoPixelPatchesAfterPaddingToEight()
    {
        using var embedding = new StagePatchEmbedding(StageGeometry.Spatial(2, 7, 7), grid: 4, dim: 3);
        using var tokens = embedding.call(zeros(1, 2, 7, 7));
        Assert.Equal(2, embedding.PatchHeight);
        Assert.Equal([1, 16, 3], tokens.shape);
    }

    [Fact]
    public void AttentionIsOneUnprojectedLayerWithPositionCodeOnQueriesAndKeysOnly()
    {
        manual_seed(8);
        using var student = new TinySpatialBackbone();
        using var raa = new RegionAwareAttention(student.StageGeometries, Small);
        var stages = student.StageGeometries.Select(g => randn(g.ShapeFor(2))).ToArray();
        var blocks = raa.call(stages);

        // Re-assemble by hand: tokens, shared norm, Q / KV, code on Q and K, per-head softmax attention.
        const int d = 16, heads = 2, dh = 8, n = 16;
        using var tokens = cat(stages.Select((s, i) => raa.Projectors[i].call(s)).ToArray(), 1);
        using var normed = raa.Norm.call(tokens);
        using var code = SinusoidalPositionCode.Create(n, d);
        using var q = raa.ToQuery.call(normed) + code;
        using var kv = raa.ToKeyValue.call(normed);
        using var k = kv.narrow(2, 0, d) + code;
        using var v = kv.narrow(2, d, d);
        var qv = q.data<float>().ToArray();
        var kvv = k.data<float>().ToArray();
        var vv = v.data<float>().ToArray();
        var output = blocks.Select(b => b.data<float>().ToArray()).ToArray();

        for (var b = 0; b < 2; b++)
        for (var h = 0; h < heads; h++)
        for (var i = 0; i < n; i++)
        {
            var scores = new double[n];
            for (var j = 0; j < n; j++)
            {
                double dot = 0;
                for (var c = 0; c < dh; c++) dot += qv[(b * n + i) * d + h * dh + c] * kvv[(b * n + j) * d + h * dh + c];
                scores[j] = dot / Math.Sqrt(dh);
            }
            var max = scores.Max();
            var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
            var sum = weights.Sum();
            for (var c = 0; c < dh; c++)
            {
                double expected = 0;
                for (var j = 0; j < n; j++) expected += weights[j] / sum * vv[(b * n + j) * d + h * dh + c];
                // Query i belongs to stage i / 4, position i % 4 of that block.
                var actual = output[i / 4][(b * 4 + i % 4) * d + h * dh + c];
                Assert.Equal(expected, actual, 4);
            }
        }
    }

    [Fact]
    public void QuirkModeIndexesThePositionCodeByBatchPosition()
    {
        using var student = new TinySpatialBackbone();
        using var standard = new RegionAwareAttention(student.StageGeometries, Small);
        using var quirky = new RegionAwareAttention(student.StageGeometries, Small with { ReferenceCodeQuirks = true });
        using var perToken = standard.PositionCode(3, CPU);
        using var perSample = quirky.PositionCode(3, CPU);
        using var expected = SinusoidalPositionCode.Create(3, 16);
        Assert.Equal([16, 16], perToken.shape);
        Assert.Equal([3, 1, 16], perSample.shape);
        Assert.True(perSample.squeeze(1).allclose(expected));
        Assert.DoesNotContain(standard.state_dict().Keys, k => k.Contains("position_code"));
    }
}
