using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>timm's transformer MLP: <c>fc1</c>, GELU, <c>fc2</c>.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly GELU act;
    private readonly Linear fc2;

    /// <summary>Creates an MLP <paramref name="dim"/> to <paramref name="hiddenDim"/> and back.</summary>
    public Mlp(int dim, int hiddenDim) : base(nameof(Mlp))
    {
        fc1 = nn.Linear(dim, hiddenDim);
        act = nn.GELU();
        fc2 = nn.Linear(hiddenDim, dim);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return fc2.call(act.call(fc1.call(input))).MoveToOuterDisposeScope();
    }
}
