using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Methods.Fofa;

/// <summary>
/// Prompt block P (Pro-tuning style, spec section 4): <c>Conv1x1(groups 4)</c>, depthwise
/// <c>Conv5x5</c>, <c>Conv1x1</c>, SE (r = 16), <c>Conv1x1(groups 4)</c>; no norms or activations.
/// </summary>
public sealed class PromptBlock : nn.Module<Tensor, Tensor>
{
    private readonly GemmConv2d grouped_in;
    private readonly GemmConv2d depthwise;
    private readonly GemmConv2d pointwise;
    private readonly SqueezeExcitation se;
    private readonly GemmConv2d grouped_out;

    /// <summary>Creates the block for maps of <paramref name="channels"/> channels.</summary>
    /// <param name="channels">Channels <c>C</c> of the stage input.</param>
    /// <param name="seGateOnly">Reference-code quirk 1 for the SE block.</param>
    public PromptBlock(int channels, bool seGateOnly = false) : base(nameof(PromptBlock))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        Groups = GroupsFor(channels);
        grouped_in = new GemmConv2d(channels, channels, 1, groups: Groups);
        depthwise = new GemmConv2d(channels, channels, 5, padding: 2, groups: channels);
        pointwise = new GemmConv2d(channels, channels, 1);
        se = new SqueezeExcitation(channels, 16, seGateOnly);
        grouped_out = new GemmConv2d(channels, channels, 1, groups: Groups);
        // Default (PyTorch) initialisation, as in the reference code; beta = 0 makes the start harmless anyway.
        RegisterComponents();
    }

    /// <summary>Groups of the two grouped 1x1 convolutions.</summary>
    public int Groups { get; }

    /// <summary>
    /// The spec's 4 groups need 4 to divide the channels; for other widths (e.g. 6 or 3) this falls
    /// back to the largest divisor of <paramref name="channels"/> that is at most 4, so any stage works.
    /// </summary>
    public static int GroupsFor(int channels)
    {
        for (var groups = 4; groups > 1; groups--)
            if (channels % groups == 0) return groups;
        return 1;
    }

    /// <summary><c>[B, C, H, W]</c> to the prompt (same shape, or <c>[B, C, 1, 1]</c> with the gate-only SE quirk).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = pointwise.call(depthwise.call(grouped_in.call(x)));
        return grouped_out.call(se.call(y)).MoveToOuterDisposeScope();
    }
}
