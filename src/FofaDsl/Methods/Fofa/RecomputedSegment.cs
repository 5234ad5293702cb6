using static TorchSharp.torch;

namespace FofaDsl.Methods.Fofa;

/// <summary>
/// Runs a segment of a frozen teacher (a block, or a whole stage, <see cref="Backbones.StagedBackbone.StageSegments"/>) without
/// keeping its activations for the backward pass, and runs it again there (activation checkpointing): the prompted
/// teacher pass then holds each segment's input instead of every layer's output inside it, and pays one more forward of
/// the teacher's stages per step.
/// </summary>
/// <remarks>
/// The gradient is the same as without recomputation: the segment's parameters are frozen (only the gradient with respect
/// to its input is needed, to reach the prompts before it) and the teacher is in eval mode, so the second forward sees
/// the same weights, normalisation statistics and no dropout, and computes the same values on the same kernels.
/// </remarks>
internal sealed class RecomputedSegment : autograd.SingleTensorFunction<RecomputedSegment>
{
    private const string SegmentKey = "segment";

    /// <inheritdoc />
    public override string Name => nameof(RecomputedSegment);

    /// <summary>
    /// <paramref name="segment"/> applied to <paramref name="input"/>; when the input needs a gradient, the backward pass
    /// recomputes the segment from the saved input rather than from saved activations.
    /// </summary>
    public static Tensor Apply(Func<Tensor, Tensor> segment, Tensor input) =>
        input.requires_grad && is_grad_enabled() ? apply(input, segment) : segment(input);

    /// <inheritdoc />
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        // Called with autograd off: nothing inside the segment is recorded.
        var input = (Tensor)vars[0];
        var segment = (Func<Tensor, Tensor>)vars[1];
        ctx.save_for_backward([input]);
        ctx.save_data(SegmentKey, segment);
        return segment(input);
    }

    /// <inheritdoc />
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var segment = (Func<Tensor, Tensor>)ctx.get_data(SegmentKey);
        using var scope = NewDisposeScope();
        var input = ctx.get_saved_variables()[0].detach().requires_grad_(true);
        Tensor output;
        using (enable_grad()) output = segment(input);
        var inputGradient = autograd.grad([output], [input], [gradOutput])[0];
        return [inputGradient.MoveToOuterDisposeScope(), null!];
    }
}
