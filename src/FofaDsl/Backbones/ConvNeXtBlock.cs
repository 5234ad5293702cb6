using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// timm's ConvNeXt block: 7x7 depthwise <c>conv_dw</c>, then channels-last <c>norm</c> (LayerNorm),
/// <c>mlp</c> (<c>fc1</c>, GELU, <c>fc2</c>, ratio 4) and layer scale <c>gamma</c>, added to the input
/// through stochastic depth. Parameter names match timm's.
/// </summary>
public sealed class ConvNeXtBlock : nn.Module<Tensor, Tensor>
{
    /// <summary>Epsilon of every ConvNeXt layer norm (timm's choice).</summary>
    public const double LayerNormEpsilon = 1e-6;

    private readonly Conv2d conv_dw;
    private readonly LayerNorm norm;
    private readonly Mlp mlp;
    private readonly Parameter? gamma;
    private readonly DropPath drop_path;

    /// <summary>
    /// Creates a block of width <paramref name="dim"/>. A positive <paramref name="layerScaleInit"/> adds
    /// <c>gamma</c> filled with it; 0 leaves the layer scale out, as timm does.
    /// </summary>
    public ConvNeXtBlock(int dim, double layerScaleInit, double dropPathRate) : base(nameof(ConvNeXtBlock))
    {
        conv_dw = nn.Conv2d(dim, dim, kernel_size: 7, padding: 3, groups: dim);
        norm = nn.LayerNorm(dim, eps: LayerNormEpsilon);
        mlp = new Mlp(dim, 4 * dim);
        if (layerScaleInit > 0) gamma = nn.Parameter(full(dim, layerScaleInit));
        drop_path = new DropPath(dropPathRate);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        // A late stage's small map is one batched matrix product (DepthwiseConvolution); ATen's per-image, per-channel loop
        // is the cost there. Norm and MLP act on the last dimension, so the branch runs channels last.
        var mixed = DepthwiseConvolution.Suits(input.shape[2], input.shape[3])
            ? DepthwiseConvolution.Apply(input, conv_dw.weight!, conv_dw.bias, padding: 3)
            : conv_dw.call(input);
        var x = mixed.permute(0, 2, 3, 1);
        x = mlp.call(norm.call(x));
        if (gamma is not null) x = x * gamma;
        x = x.permute(0, 3, 1, 2);
        // The input first: an elementwise result takes its first operand's memory layout, so the block's output stays
        // contiguous. With the channels-last branch first it came out channels last, and ATen's convolution (oneDNN off)
        // runs the next block's 7x7 depthwise kernel 5-12x slower on such an input (bench gemm-conv).
        return (input + drop_path.call(x)).MoveToOuterDisposeScope();
    }
}
