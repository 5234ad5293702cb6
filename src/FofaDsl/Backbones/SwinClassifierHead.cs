using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>timm's <c>ClassifierHead</c> with average pooling: the mean over all tokens, then <c>fc</c>.</summary>
public sealed class SwinClassifierHead : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc;

    /// <summary>Creates the head from <paramref name="dim"/>-wide tokens to <paramref name="numClasses"/> logits.</summary>
    public SwinClassifierHead(int dim, int numClasses) : base(nameof(SwinClassifierHead))
    {
        fc = nn.Linear(dim, numClasses);
        RegisterComponents();
    }

    /// <summary>Tokens <c>[B, L, D]</c> to logits <c>[B, classes]</c>.</summary>
    public override Tensor forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        return fc.call(tokens.mean([1])).MoveToOuterDisposeScope();
    }
}
