using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Methods.Fofa;

/// <summary>
/// <c>psi_i</c> of spec section 4: maps the feedback <c>delta_i</c> (spatial form of stage i's OUTPUT)
/// to the spatial form of stage i's INPUT. Identity when the two shapes agree; otherwise nearest
/// resize, BatchNorm2d and a bias-free 1x1 convolution.
/// </summary>
public sealed class FeedbackAligner : nn.Module<Tensor, Tensor>
{
    private readonly BatchNorm2d? bn;
    private readonly GemmConv2d? conv;
    private readonly long[] inputSize;

    /// <summary>Creates the map from <paramref name="stageOutput"/> to <paramref name="stageInput"/>.</summary>
    public FeedbackAligner(StageGeometry stageOutput, StageGeometry stageInput) : base(nameof(FeedbackAligner))
    {
        inputSize = [stageInput.Height, stageInput.Width];
        IsIdentity = stageOutput.Channels == stageInput.Channels
            && stageOutput.Height == stageInput.Height
            && stageOutput.Width == stageInput.Width;
        if (!IsIdentity)
        {
            bn = nn.BatchNorm2d(stageOutput.Channels);
            conv = new GemmConv2d(stageOutput.Channels, stageInput.Channels, 1, bias: false);
            FofaInit.Conv(conv);
        }
        RegisterComponents();
    }

    /// <summary>True when input and output shapes agree and the feedback passes unchanged.</summary>
    public bool IsIdentity { get; }

    /// <summary><c>[B, C_out, H_out, W_out]</c> to <c>[B, C_in, H_in, W_in]</c>.</summary>
    public override Tensor forward(Tensor feedback)
    {
        if (bn is null || conv is null) return feedback.alias();
        using var scope = NewDisposeScope();
        var resized = nn.functional.interpolate(feedback, size: inputSize, mode: InterpolationMode.Nearest);
        return conv.call(bn.call(resized)).MoveToOuterDisposeScope();
    }
}
