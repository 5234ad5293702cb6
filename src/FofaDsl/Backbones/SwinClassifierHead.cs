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
        return Classify(Pool(tokens)).MoveToOuterDisposeScope();
    }

    /// <summary>The mean over the tokens <c>[B, D]</c>: what <c>fc</c> reads.</summary>
    /// <param name="tokens">Tokens <c>[B, L, D]</c>.</param>
    public Tensor Pool(Tensor tokens) => tokens.mean([1]);

    /// <summary><c>fc</c>: pooled features <c>[B, D]</c> to logits.</summary>
    /// <param name="pooled">Output of <see cref="Pool"/>.</param>
    public Tensor Classify(Tensor pooled) => fc.call(pooled);
}
