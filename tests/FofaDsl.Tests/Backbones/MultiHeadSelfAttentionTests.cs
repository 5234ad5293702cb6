using FofaDsl.Backbones;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Backbones;

[Collection(TorchCollection.Name)]
public sealed class MultiHeadSelfAttentionTests
{
    [Fact]
    public void Matches_softmax_attention_per_head_with_timms_qkv_layout()
    {
        torch.manual_seed(21);
        const int dim = 8, heads = 2, headDim = dim / heads;
        using var attention = new MultiHeadSelfAttention(dim, heads);
        var p = attention.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var tokens = randn(2, 5, dim);

        // timm's qkv rows are [all q | all k | all v], each split into consecutive heads.
        var (w, b) = (p["qkv.weight"], p["qkv.bias"]);
        var perHead = new Tensor[heads];
        for (var h = 0; h < heads; h++)
        {
            Tensor Project(int part)
            {
                var rows = (part * dim + h * headDim)..(part * dim + (h + 1) * headDim);
                return matmul(tokens, w[rows].t()) + b[rows];
            }
            var (q, k, v) = (Project(0), Project(1), Project(2));
            var weights = softmax(matmul(q, k.transpose(1, 2)) / Math.Sqrt(headDim), dim: -1);
            perHead[h] = matmul(weights, v);
        }
        var expected = matmul(cat(perHead, dim: -1), p["proj.weight"].t()) + p["proj.bias"];

        var actual = attention.call(tokens);
        Assert.True(allclose(expected, actual, rtol: 1e-4, atol: 1e-5));
    }
}
