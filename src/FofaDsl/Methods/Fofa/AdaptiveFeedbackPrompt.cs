using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Methods.Fofa;

/// <summary>
/// Adaptive feedback prompt before one teacher stage (spec section 4, Eq. 5-6):
/// <c>x + beta * P(F(x, psi(delta)))</c>, where <c>delta</c> is the student's detached feedback from
/// the PREVIOUS training step (kept as state). Without stored feedback (first step) or with feedback
/// disabled, P acts on <c>x</c> directly. <c>beta</c> starts at 0, so a fresh block is the identity.
/// Token inputs are reshaped to spatial and back; their class token passes through untouched.
/// </summary>
public sealed class AdaptiveFeedbackPrompt : nn.Module<Tensor, Tensor>
{
    private readonly FeedbackAligner? fb_aligner;
    private readonly FusionBlock? fusion_block;
    private readonly PromptBlock prompt_block;
    private readonly Parameter beta;
    // Kept in a plain object so RegisterComponents never mistakes the feedback for a buffer.
    private readonly FeedbackState state = new();
    private readonly StageGeometry stageInput;
    private readonly bool classTokenLast;

    /// <summary>Creates the prompt for a teacher stage with the given input and output geometries.</summary>
    /// <param name="stageInput">Geometry of the stage's input (what the prompt modifies).</param>
    /// <param name="stageOutput">Geometry of the stage's output (the feedback's shape).</param>
    /// <param name="useFeedback">False builds the "AFP w/o feedback" ablation: no fusion block, no state.</param>
    /// <param name="referenceCodeQuirks">Quirks 1 (gate-only SE) and 3 (last token as class token).</param>
    public AdaptiveFeedbackPrompt(StageGeometry stageInput, StageGeometry stageOutput, bool useFeedback = true, bool referenceCodeQuirks = false)
        : base(nameof(AdaptiveFeedbackPrompt))
    {
        this.stageInput = stageInput;
        classTokenLast = referenceCodeQuirks;
        UsesFeedback = useFeedback;
        if (useFeedback)
        {
            fb_aligner = new FeedbackAligner(stageOutput, stageInput);
            fusion_block = new FusionBlock(stageInput.Channels, referenceCodeQuirks);
        }
        prompt_block = new PromptBlock(stageInput.Channels, referenceCodeQuirks);
        beta = nn.Parameter(zeros(1));
        RegisterComponents();
    }

    /// <summary>Whether this block fuses student feedback (false for the "w/o feedback" ablation).</summary>
    public bool UsesFeedback { get; }

    /// <summary>Whether feedback from a previous training step is stored.</summary>
    public bool HasFeedback => state.Feedback is not null;

    /// <summary>The learnable blend weight <c>beta</c> (shape [1], initialised to 0).</summary>
    public Parameter Beta => beta;

    /// <summary>The stored feedback <c>[B, C_out, H_out, W_out]</c> (detached), or null. Owned by this block.</summary>
    internal Tensor? Feedback => state.Feedback;

    /// <summary>Test hook: called on every forward with the feedback fed to the fusion block, or null when fusion is skipped.</summary>
    internal Action<Tensor?>? FeedbackObserver { get; set; }

    /// <summary>Map <c>psi</c> from stage output to stage input shape (null without feedback).</summary>
    internal FeedbackAligner? FeedbackMap => fb_aligner;

    /// <summary>The fusion block F (null without feedback).</summary>
    internal FusionBlock? Fusion => fusion_block;

    /// <summary>The prompt block P.</summary>
    internal PromptBlock Prompt => prompt_block;

    /// <summary>Prompts a stage input (its own layout) and returns it in the same layout.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var (x, classToken) = ClassTokenPlacement.Split(input, stageInput, classTokenLast);
        var source = x;
        var feedback = fusion_block is not null && fb_aligner is not null ? state.Feedback : null;
        if (feedback is not null)
        {
            if (feedback.shape[0] != x.shape[0])
                throw new InvalidOperationException(
                    $"The stored feedback is for a batch of {feedback.shape[0]} but this batch has {x.shape[0]}: " +
                    "drop the last partial batch when training (spec section 4) or call ClearFeedback() first.");
            source = fusion_block!.call(x, fb_aligner!.call(feedback));
        }
        FeedbackObserver?.Invoke(feedback);
        var prompted = x + beta * prompt_block.call(source);
        return ClassTokenPlacement.Join(prompted, classToken, stageInput, classTokenLast).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Stores <paramref name="delta"/> (aligned student minus prompted teacher, spatial form of the stage
    /// output) detached, for the next step. Ignored in eval mode and when feedback is disabled.
    /// </summary>
    public void UpdateFeedback(Tensor delta)
    {
        if (!training || !UsesFeedback) return;
        var next = delta.detach().DetachFromDisposeScope();
        state.Feedback?.Dispose();
        state.Feedback = next;
    }

    /// <summary>Puts back feedback saved from a checkpoint (null: none yet), whatever the mode, on this block's device.</summary>
    public void RestoreFeedback(Tensor? feedback)
    {
        ClearFeedback();
        if (feedback is null || !UsesFeedback) return;
        state.Feedback = feedback.detach().to(beta.device).DetachFromDisposeScope();
    }

    /// <summary>Forgets the stored feedback, so the next forward skips the fusion block (as on the first step).</summary>
    public void ClearFeedback()
    {
        state.Feedback?.Dispose();
        state.Feedback = null;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) ClearFeedback();
        base.Dispose(disposing);
    }

    private sealed class FeedbackState
    {
        public Tensor? Feedback { get; set; }
    }
}
