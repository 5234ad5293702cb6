using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// timm's ConvNeXt classifier head: global average pool, <c>norm</c> (<see cref="LayerNorm2d"/>),
/// flatten, <c>fc</c>. Parameter names match timm's (<c>head.norm.*</c>, <c>head.fc.*</c>).
/// </summary>
public sealed class ConvNeXtHead : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm2d norm;
    private readonly Linear fc;

    /// <summary>Creates a head from <paramref name="channels"/> features to <paramref name="numClasses"/> logits.</summary>
    public ConvNeXtHead(int channels, int numClasses) : base(nameof(ConvNeXtHead))
    {
        norm = new LayerNorm2d(channels, ConvNeXtBlock.LayerNormEpsilon);
        fc = nn.Linear(channels, numClasses);
        RegisterComponents();
    }

    /// <summary>Feature map <c>[B, C, H, W]</c> to logits <c>[B, classes]</c>.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var pooled = input.mean([2, 3], keepdim: true);
        return fc.call(norm.call(pooled).flatten(1)).MoveToOuterDisposeScope();
    }
}
