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
        return Classify(Pool(input)).MoveToOuterDisposeScope();
    }

    /// <summary>Global average pool, <c>norm</c>, flatten: the features <c>[B, C]</c> that <c>fc</c> reads.</summary>
    /// <param name="input">Feature map <c>[B, C, H, W]</c>.</param>
    public Tensor Pool(Tensor input)
    {
        using var scope = NewDisposeScope();
        var pooled = input.mean([2, 3], keepdim: true);
        return norm.call(pooled).flatten(1).MoveToOuterDisposeScope();
    }

    /// <summary><c>fc</c>: pooled features <c>[B, C]</c> to logits.</summary>
    /// <param name="pooled">Output of <see cref="Pool"/>.</param>
    public Tensor Classify(Tensor pooled) => fc.call(pooled);
}
