using FofaDsl.Backbones;
using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Methods.Fofa;

/// <summary>
/// FOFA's own modules (method spec sections 2-4): the region-aware attention over the student's stages, the per-stage
/// aligners to the teacher's stage shapes and the adaptive feedback prompts before the teacher's stages, with the
/// feedback they carry from step to step. It holds neither model: <see cref="FofaTerm"/> runs them between the teacher
/// and the student, so <c>parameters()</c> and <c>state_dict()</c> are FOFA's own weights only.
/// </summary>
/// <remarks>
/// Feedback from the previous step is kept per prompt block, so training batches must all have the same size (drop the
/// last partial batch) or <see cref="ResetFeedback"/> must be called in between.
/// </remarks>
public sealed class FofaModules : nn.Module
{
    private readonly RegionAwareAttention? region_attention;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> aligners;
    private readonly PromptBlocksByStage prompt_blocks;

    /// <summary>Builds the modules of <paramref name="options"/> for the stage shapes of <paramref name="teacher"/> and <paramref name="student"/>.</summary>
    /// <param name="teacher">The teacher, read for its stage shapes only.</param>
    /// <param name="student">The student, read for its stage shapes only.</param>
    /// <param name="options">FOFA hyper-parameters and ablations (validated here).</param>
    public FofaModules(StagedBackbone teacher, StagedBackbone student, FofaOptions options)
        : base(nameof(FofaModules))
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckStages(teacher, nameof(teacher));
        CheckStages(student, nameof(student));

        Options = options;
        TeacherStages = teacher.StageGeometries;
        var studentStages = student.StageGeometries;
        var quirks = options.ReferenceCodeQuirks;

        aligners = new ModuleList<nn.Module<Tensor, Tensor>>();
        if (options.UseRegionAwareAttention)
        {
            region_attention = new RegionAwareAttention(studentStages, options);
            foreach (var stage in TeacherStages)
            {
                aligners.Add(stage.Layout == StageLayout.Spatial
                    ? new SpatialStageAligner(options.GridSize, options.TokenWidth, stage)
                    : new TokenStageAligner(options.QueriesPerStage, options.TokenWidth, stage));
            }
        }
        else
        {
            for (var i = 0; i < FofaOptions.StageCount; i++)
                aligners.Add(new DirectStageAligner(studentStages[i], TeacherStages[i], quirks));
        }

        prompt_blocks = new PromptBlocksByStage();
        if (options.UsePrompts)
        {
            foreach (var stage in options.PromptStages.Order())
            {
                prompt_blocks.Add(stage, new AdaptiveFeedbackPrompt(
                    teacher.StageInputGeometry(stage), TeacherStages[stage - 1], options.UseFeedback, quirks));
            }
        }
        RegisterComponents();
    }

    /// <summary>Hyper-parameters and ablations these modules were built with.</summary>
    public FofaOptions Options { get; }

    /// <summary>The teacher's four stage shapes, which the aligners produce.</summary>
    public IReadOnlyList<StageGeometry> TeacherStages { get; }

    /// <summary>The region-aware attention, or null in the ablation without it.</summary>
    internal RegionAwareAttention? RegionAttention => region_attention;

    /// <summary>The four stage aligners (stage 1 first).</summary>
    internal IReadOnlyList<nn.Module<Tensor, Tensor>> Aligners => aligners.ToList();

    /// <summary>The prompt before teacher stage <paramref name="stage"/> (1..4), or null where there is none.</summary>
    public AdaptiveFeedbackPrompt? PromptFor(int stage) =>
        prompt_blocks.For(stage);

    /// <summary>Writes every prompt block's stored feedback: with the weights, all the state FOFA carries from step to step.</summary>
    public void SaveFeedback(BinaryWriter writer)
    {
        for (var stage = 1; stage <= FofaOptions.StageCount; stage++)
            Weights.TensorIO.WriteOptional(writer, gatheredFeedback?[stage - 1] ?? PromptFor(stage)?.Feedback);
        DisposeGatheredFeedback();
    }

    /// <summary>
    /// Under several ranks, every rank's feedback (the rows of its slice of the global batch) stacked in rank order, so
    /// that <see cref="SaveFeedback"/> writes the whole global batch's, as one process would; a collective call that
    /// every rank makes before rank 0 writes the checkpoint. Nothing in a single process.
    /// </summary>
    internal void GatherFeedbackForCheckpoint()
    {
        var world = Distributed.Communicator.World;
        DisposeGatheredFeedback();
        if (world.Size <= 1) return;
        gatheredFeedback = Enumerable.Range(1, FofaOptions.StageCount)
            .Select(stage => PromptFor(stage)?.Feedback is { } feedback ? Distributed.TensorGather.Rows(feedback, world).DetachFromDisposeScope() : null)
            .ToArray();
        // Ranks other than 0 write nothing: drop their copy now.
        if (!world.IsRoot) DisposeGatheredFeedback();
    }

    private Tensor?[]? gatheredFeedback;

    private void DisposeGatheredFeedback()
    {
        foreach (var tensor in gatheredFeedback ?? []) tensor?.Dispose();
        gatheredFeedback = null;
    }

    /// <summary>Restores feedback written by <see cref="SaveFeedback"/>.</summary>
    public void LoadFeedback(BinaryReader reader)
    {
        for (var stage = 1; stage <= FofaOptions.StageCount; stage++)
        {
            var feedback = Weights.TensorIO.ReadOptional(reader);
            // The checkpoint holds the global batch's rows; under several ranks each takes its own slice.
            PromptFor(stage)?.RestoreFeedback(feedback is null ? null : Distributed.TensorGather.Slice(feedback, Distributed.Communicator.World));
            feedback?.Dispose();
        }
    }

    /// <summary>Forgets all stored feedback (e.g. before a batch of another size, or a new run).</summary>
    public void ResetFeedback()
    {
        foreach (var prompt in prompt_blocks.All) prompt.ClearFeedback();
    }

    /// <summary>
    /// Region-aware attention of <paramref name="student"/> on <paramref name="images"/> (the paper's Figure 3), with the
    /// student and the attention in their current mode (call <c>eval()</c> first for evaluation) and no gradients; null
    /// in the ablation without region-aware attention. Nothing is stored or changed.
    /// </summary>
    /// <param name="student">The student these modules were built for.</param>
    /// <param name="images">Input images <c>[B, C, H, W]</c>, at the student's size.</param>
    public RegionAttentionMaps? RegionAttentionFor(StagedBackbone student, Tensor images)
    {
        if (region_attention is null) return null;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (_, studentStages) = student.ForwardWithStages(images);
        var probabilities = region_attention.AttentionProbabilities(studentStages);
        return new RegionAttentionMaps(probabilities.MoveToOuterDisposeScope(), Options.GridSize);
    }

    /// <summary>
    /// <paramref name="teacher"/> with an adaptive feedback prompt before each selected stage: logits and the four stage
    /// outputs, differentiable with respect to the prompts.
    /// </summary>
    internal (Tensor Logits, Tensor[] Stages) ForwardPromptedTeacher(StagedBackbone teacher, Tensor images)
    {
        using var scope = NewDisposeScope();
        var stages = new Tensor[FofaOptions.StageCount];
        var x = teacher.ForwardStem(images);
        for (var stage = 1; stage <= FofaOptions.StageCount; stage++)
        {
            var prompt = PromptFor(stage);
            if (prompt is not null) x = prompt.call(x);
            // Only a teacher in eval mode recomputes: a training-mode one could drop different units the second time. Each
            // block is recomputed on its own, so the backward pass holds one block's activations at a time.
            if (Options.RecomputeTeacher && !teacher.training)
            {
                foreach (var segment in teacher.StageSegments(stage)) x = RecomputedSegment.Apply(segment, x);
            }
            else
            {
                x = teacher.ForwardStage(stage, x);
            }
            stages[stage - 1] = x;
        }
        var logits = teacher.ForwardHead(x).MoveToOuterDisposeScope();
        foreach (var s in stages) s.MoveToOuterDisposeScope();
        return (logits, stages);
    }

    /// <summary>Student stage outputs to the teacher stages' layouts (patch tokens only for token teachers).</summary>
    internal Tensor[] AlignStudent(IReadOnlyList<Tensor> studentStages)
    {
        using var scope = NewDisposeScope();
        var inputs = region_attention is null ? studentStages.ToArray() : region_attention.call(studentStages.ToArray());
        return inputs.Select((x, i) => aligners[i].call(x).MoveToOuterDisposeScope()).ToArray();
    }

    private static void CheckStages(StagedBackbone backbone, string name)
    {
        if (backbone.StageGeometries.Count != FofaOptions.StageCount)
            throw new ArgumentException($"FOFA needs backbones cut into 4 stages; {backbone.GetName()} reports {backbone.StageGeometries.Count}.", name);
    }
}
