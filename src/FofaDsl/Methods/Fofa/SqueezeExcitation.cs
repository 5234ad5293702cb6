using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Methods.Fofa;

/// <summary>
/// Squeeze-and-excitation with reduction <c>r</c>: global average pool, 1x1 conv to <c>C / r</c>
/// channels (at least 1), ReLU, 1x1 conv back to <c>C</c>, sigmoid gate, output <c>x * gate</c>.
/// With <c>gateOnly</c> (quirk 1 of the reference code) it returns the gate <c>[B, C, 1, 1]</c> alone.
/// </summary>
public sealed class SqueezeExcitation : nn.Module<Tensor, Tensor>
{
    private readonly GemmConv2d compress;
    private readonly GemmConv2d excitation;

    /// <summary>Creates the block for <paramref name="channels"/> channels.</summary>
    /// <param name="channels">Input and output channels.</param>
    /// <param name="reduction">Reduction ratio <c>r</c> (16 in FOFA).</param>
    /// <param name="gateOnly">Quirk 1: return the gate instead of the gated input.</param>
    public SqueezeExcitation(int channels, int reduction = 16, bool gateOnly = false) : base(nameof(SqueezeExcitation))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(reduction);
        GateOnly = gateOnly;
        // Narrow stages (C < r) would otherwise get a zero-channel bottleneck.
        var squeezed = Math.Max(1, channels / reduction);
        compress = new GemmConv2d(channels, squeezed, 1);
        excitation = new GemmConv2d(squeezed, channels, 1);
        RegisterComponents();
    }

    /// <summary>True when the block returns only the gate (reference-code quirk 1).</summary>
    public bool GateOnly { get; }

    /// <summary>The squeeze convolution <c>C -&gt; max(1, C / r)</c>.</summary>
    internal GemmConv2d Compress => compress;

    /// <summary>The excitation convolution <c>max(1, C / r) -&gt; C</c>.</summary>
    internal GemmConv2d Excitation => excitation;

    /// <summary><c>[B, C, H, W]</c> to <c>x * gate</c> (or the gate <c>[B, C, 1, 1]</c> in quirk mode).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var squeezed = nn.functional.adaptive_avg_pool2d(x, [1, 1]);
        var gate = excitation.call(nn.functional.relu(compress.call(squeezed))).sigmoid();
        return (GateOnly ? gate : x * gate).MoveToOuterDisposeScope();
    }
}
