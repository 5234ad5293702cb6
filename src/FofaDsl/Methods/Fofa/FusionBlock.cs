using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Methods.Fofa;

/// <summary>
/// Fusion block F of the adaptive feedback prompt (spec section 4): fuses a teacher stage input with
/// the student's feedback, <c>Conv1x1(2C -&gt; C)</c> on their concatenation, <c>Conv5x5</c>,
/// <c>Conv1x1</c>, SE (r = 16), <c>Conv1x1</c>; no norms or activations between them.
/// </summary>
public sealed class FusionBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly GemmConv2d reduce;
    private readonly GemmConv2d spatial;
    private readonly GemmConv2d mix;
    private readonly SqueezeExcitation se;
    private readonly GemmConv2d expand;

    /// <summary>Creates the block for stage inputs of <paramref name="channels"/> channels.</summary>
    /// <param name="channels">Channels <c>C</c> of the stage input.</param>
    /// <param name="seGateOnly">Reference-code quirk 1 for the SE block.</param>
    public FusionBlock(int channels, bool seGateOnly = false) : base(nameof(FusionBlock))
    {
        reduce = new GemmConv2d(2 * channels, channels, 1);
        spatial = new GemmConv2d(channels, channels, 5, padding: 2);
        mix = new GemmConv2d(channels, channels, 1);
        se = new SqueezeExcitation(channels, 16, seGateOnly);
        expand = new GemmConv2d(channels, channels, 1);
        // Default (PyTorch) initialisation, as in the reference code; beta = 0 makes the start harmless anyway.
        RegisterComponents();
    }

    /// <summary>Stage input and aligned feedback, both <c>[B, C, H, W]</c>, to the fused map.</summary>
    public override Tensor forward(Tensor input, Tensor feedback)
    {
        using var scope = NewDisposeScope();
        var x = reduce.call(cat([input, feedback], 1));
        x = se.call(mix.call(spatial.call(x)));
        return expand.call(x).MoveToOuterDisposeScope();
    }
}
