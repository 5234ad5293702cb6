using static TorchSharp.torch;

namespace FofaDsl.Methods.Fofa;

/// <summary>
/// Runs a frozen teacher stage without keeping its activations for the backward pass, and runs it again there
/// (activation checkpointing): the prompted teacher pass then holds each stage's input instead of every layer's
/// output inside it, and pays one more forward of the stage per step.
/// </summary>
/// <remarks>
/// The gradient is the same as without recomputation: the stage's parameters are frozen (only the gradient with respect
/// to its input is needed, to reach the prompts before it) and the teacher is in eval mode, so the second forward sees
/// the same weights, normalisation statistics and no dropout, and computes the same values on the same kernels.
/// </remarks>
internal sealed class RecomputedStage : autograd.SingleTensorFunction<RecomputedStage>
{
    private const string StageKey = "stage";

    /// <inheritdoc />
    public override string Name => nameof(RecomputedStage);

    /// <summary>
    /// <paramref name="stage"/> applied to <paramref name="input"/>; when the input needs a gradient, the backward pass
    /// recomputes the stage from the saved input rather than from saved activations.
    /// </summary>
    public static Tensor Apply(Func<Tensor, Tensor> stage, Tensor input) =>
        input.requires_grad && is_grad_enabled() ? apply(input, stage) : stage(input);

    /// <inheritdoc />
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        // Called with autograd off: nothing inside the stage is recorded.
        var input = (Tensor)vars[0];
        var stage = (Func<Tensor, Tensor>)vars[1];
        ctx.save_for_backward([input]);
        ctx.save_data(StageKey, stage);
        return stage(input);
    }

    /// <inheritdoc />
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var stage = (Func<Tensor, Tensor>)ctx.get_data(StageKey);
        using var scope = NewDisposeScope();
        var input = ctx.get_saved_variables()[0].detach().requires_grad_(true);
        Tensor output;
        using (enable_grad()) output = stage(input);
        var inputGradient = autograd.grad([output], [input], [gradOutput])[0];
        return [inputGradient.MoveToOuterDisposeScope(), null!];
    }
}
