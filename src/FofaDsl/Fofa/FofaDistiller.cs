using FofaDsl.Backbones;
using FofaDsl.Losses;
using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Fofa;

/// <summary>
/// FOFA heterogeneous distillation (method spec sections 2-4). Owns the region-aware attention, the
/// per-stage aligners and the adaptive feedback prompts; the teacher and the student stay owned by the
/// caller (they are referenced, not registered, so <c>parameters()</c> and <c>state_dict()</c> of this
/// module hold FOFA's own weights only). The teacher is frozen and kept in eval mode.
/// </summary>
/// <remarks>
/// <c>to(device)</c> moves FOFA's own modules only: move the teacher and student yourself. Feedback
/// from the previous step is kept per prompt block, so training batches must all have the same size
/// (drop the last partial batch) or <see cref="ResetFeedback"/> must be called in between.
/// </remarks>
public sealed class FofaDistiller : nn.Module
{
    private readonly Backbones models;
    private readonly RegionAwareAttention? region_attention;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> aligners;
    private readonly ModuleDict<AdaptiveFeedbackPrompt> prompt_blocks;
    private readonly IReadOnlyList<StageGeometry> teacherStages;

    /// <summary>Builds FOFA between <paramref name="teacher"/> and <paramref name="student"/> and freezes the teacher.</summary>
    /// <param name="teacher">Pre-trained teacher; its parameters get <c>requires_grad = false</c> and it is put in eval mode.</param>
    /// <param name="student">Student being trained.</param>
    /// <param name="options">FOFA hyper-parameters and ablations (validated here).</param>
    /// <param name="weights">Loss weights (validated here).</param>
    public FofaDistiller(StagedBackbone teacher, StagedBackbone student, FofaOptions options, FofaLossWeights weights)
        : base(nameof(FofaDistiller))
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(weights);
        options.Validate();
        weights.Validate();
        CheckStages(teacher, nameof(teacher));
        CheckStages(student, nameof(student));

        models = new Backbones(teacher, student);
        Options = options;
        Weights = weights;
        teacherStages = teacher.StageGeometries;
        var studentStages = student.StageGeometries;
        var quirks = options.ReferenceCodeQuirks;

        foreach (var parameter in teacher.parameters()) parameter.requires_grad = false;
        teacher.eval();

        aligners = new ModuleList<nn.Module<Tensor, Tensor>>();
        if (options.UseRegionAwareAttention)
        {
            region_attention = new RegionAwareAttention(studentStages, options);
            foreach (var stage in teacherStages)
            {
                aligners.Add(stage.Layout == StageLayout.Spatial
                    ? new SpatialStageAligner(options.GridSize, options.TokenWidth, stage)
                    : new TokenStageAligner(options.QueriesPerStage, options.TokenWidth, stage));
            }
        }
        else
        {
            for (var i = 0; i < FofaOptions.StageCount; i++)
                aligners.Add(new DirectStageAligner(studentStages[i], teacherStages[i], quirks));
        }

        prompt_blocks = new ModuleDict<AdaptiveFeedbackPrompt>();
        if (options.UsePrompts)
        {
            foreach (var stage in options.PromptStages.Order())
            {
                prompt_blocks.Add(StageKey(stage), new AdaptiveFeedbackPrompt(
                    teacher.StageInputGeometry(stage), teacherStages[stage - 1], options.UseFeedback, quirks));
            }
        }
        RegisterComponents();
    }

    /// <summary>The frozen teacher (not a registered submodule).</summary>
    public StagedBackbone Teacher => models.Teacher;

    /// <summary>The student (not a registered submodule).</summary>
    public StagedBackbone Student => models.Student;

    /// <summary>Hyper-parameters and ablations this distiller was built with.</summary>
    public FofaOptions Options { get; }

    /// <summary>Loss weights this distiller was built with.</summary>
    public FofaLossWeights Weights { get; }

    /// <summary>The region-aware attention, or null in the ablation without it.</summary>
    internal RegionAwareAttention? RegionAttention => region_attention;

    /// <summary>The four stage aligners (stage 1 first).</summary>
    internal IReadOnlyList<nn.Module<Tensor, Tensor>> Aligners => aligners.ToList();

    /// <summary>The prompt before teacher stage <paramref name="stage"/> (1..4), or null where there is none.</summary>
    public AdaptiveFeedbackPrompt? PromptFor(int stage) =>
        prompt_blocks.TryGetValue(StageKey(stage), out var prompt) ? prompt : null;

    /// <summary>The student's parameters followed by FOFA's own (attention, aligners, prompts); never the teacher's.</summary>
    public IEnumerable<Parameter> TrainableParameters() => Student.parameters().Concat(parameters());

    /// <summary>Writes every prompt block's stored feedback: with the weights, all the state FOFA carries from step to step.</summary>
    public void SaveFeedback(BinaryWriter writer)
    {
        for (var stage = 1; stage <= FofaOptions.StageCount; stage++)
            Training.TensorIO.WriteOptional(writer, PromptFor(stage)?.Feedback);
    }

    /// <summary>Restores feedback written by <see cref="SaveFeedback"/>.</summary>
    public void LoadFeedback(BinaryReader reader)
    {
        for (var stage = 1; stage <= FofaOptions.StageCount; stage++)
        {
            var feedback = Training.TensorIO.ReadOptional(reader);
            PromptFor(stage)?.RestoreFeedback(feedback);
            feedback?.Dispose();
        }
    }

    /// <summary>Forgets all stored feedback (e.g. before a batch of another size, or a new run).</summary>
    public void ResetFeedback()
    {
        foreach (var prompt in prompt_blocks.values()) prompt.ClearFeedback();
    }

    /// <summary>Sets FOFA's modules and the student to training (or eval) mode; the teacher always stays in eval mode.</summary>
    public override void train(bool train = true)
    {
        base.train(train);
        Student.train(train);
        Teacher.eval();
    }

    /// <summary>
    /// One FOFA step's losses (spec section 2): student forward; plain teacher under no-grad (for the
    /// logit KD and the regularisation target); prompted teacher fed by the previous step's feedback;
    /// region-aware attention and aligners on the student stages; HCL per stage. In training mode the
    /// new feedback <c>(aligned_i - teacher_i).detach()</c> is stored for the next step.
    /// </summary>
    /// <param name="images">Input images <c>[B, 3, H, W]</c>.</param>
    /// <param name="labels">Class indices <c>[B]</c> (int64).</param>
    public FofaLossTerms ComputeLosses(Tensor images, Tensor labels)
    {
        using var scope = NewDisposeScope();
        Teacher.eval();
        var (studentLogits, studentStages) = Student.ForwardWithStages(images);

        Tensor plainLogits;
        Tensor[] teacherFeatures;
        Tensor promptRegularisation;
        if (Options.UsePrompts)
        {
            using (no_grad()) plainLogits = Teacher.call(images);
            (var promptedLogits, teacherFeatures) = ForwardPromptedTeacher(images);
            promptRegularisation = PromptRegularisationLoss.Compute(plainLogits, promptedLogits);
        }
        else
        {
            using (no_grad()) (plainLogits, teacherFeatures) = Teacher.ForwardWithStages(images);
            promptRegularisation = zeros(Array.Empty<long>(), device: studentLogits.device);
        }

        var aligned = AlignStudent(studentStages);
        var feature = zeros(Array.Empty<long>(), device: studentLogits.device);
        for (var i = 0; i < FofaOptions.StageCount; i++)
        {
            var studentMap = AlignedToSpatial(aligned[i], teacherStages[i]);
            var teacherMap = ClassTokenPlacement.ToSpatial(teacherFeatures[i], teacherStages[i], Options.ReferenceCodeQuirks);
            feature = feature + HierarchicalContextLoss.Compute(studentMap, teacherMap);
            var prompt = PromptFor(i + 1);
            if (prompt is not null && prompt.UsesFeedback && prompt.training)
            {
                using (no_grad()) prompt.UpdateFeedback(studentMap - teacherMap);
            }
        }

        var crossEntropy = Training.Targets.CrossEntropy(studentLogits, labels, Weights.LabelSmoothing);
        var logitKd = LogitDistillationLoss.Compute(studentLogits, plainLogits, Weights.Temperature);
        var total = crossEntropy * Weights.CrossEntropy
            + logitKd * Weights.LogitKd
            + feature * Weights.Feature
            + promptRegularisation * Weights.PromptRegularisation;

        return new FofaLossTerms(
            total.MoveToOuterDisposeScope(),
            crossEntropy.MoveToOuterDisposeScope(),
            logitKd.MoveToOuterDisposeScope(),
            feature.MoveToOuterDisposeScope(),
            promptRegularisation.MoveToOuterDisposeScope(),
            studentLogits.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Region-aware attention of the student on <paramref name="images"/> (the paper's Figure 3), with the
    /// student and the attention in their current mode (call <c>eval()</c> first for evaluation) and no
    /// gradients; null in the ablation without region-aware attention. Nothing is stored or changed.
    /// </summary>
    /// <param name="images">Input images <c>[B, C, H, W]</c>, at the student's size.</param>
    public RegionAttentionMaps? RegionAttentionFor(Tensor images)
    {
        if (region_attention is null) return null;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (_, studentStages) = Student.ForwardWithStages(images);
        var probabilities = region_attention.AttentionProbabilities(studentStages);
        return new RegionAttentionMaps(probabilities.MoveToOuterDisposeScope(), Options.GridSize);
    }

    /// <summary>
    /// The teacher with an adaptive feedback prompt before each selected stage: logits and the four
    /// stage outputs, differentiable with respect to the prompts.
    /// </summary>
    internal (Tensor Logits, Tensor[] Stages) ForwardPromptedTeacher(Tensor images)
    {
        using var scope = NewDisposeScope();
        var stages = new Tensor[FofaOptions.StageCount];
        var x = Teacher.ForwardStem(images);
        for (var stage = 1; stage <= FofaOptions.StageCount; stage++)
        {
            var prompt = PromptFor(stage);
            if (prompt is not null) x = prompt.call(x);
            x = stages[stage - 1] = Teacher.ForwardStage(stage, x);
        }
        var logits = Teacher.ForwardHead(x).MoveToOuterDisposeScope();
        foreach (var s in stages) s.MoveToOuterDisposeScope();
        return (logits, stages);
    }

    /// <summary>Student stage outputs to the teacher stages' layouts (patch tokens only for token teachers).</summary>
    internal Tensor[] AlignStudent(Tensor[] studentStages)
    {
        using var scope = NewDisposeScope();
        var inputs = region_attention is null ? studentStages : region_attention.call(studentStages);
        return inputs.Select((x, i) => aligners[i].call(x).MoveToOuterDisposeScope()).ToArray();
    }

    private static Tensor AlignedToSpatial(Tensor aligned, StageGeometry teacherStage) =>
        StageTensors.ToSpatial(aligned, teacherStage with { HasClassToken = false });

    private static string StageKey(int stage) => stage.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void CheckStages(StagedBackbone backbone, string name)
    {
        if (backbone.StageGeometries.Count != FofaOptions.StageCount)
            throw new ArgumentException($"FOFA needs backbones cut into 4 stages; {backbone.GetName()} reports {backbone.StageGeometries.Count}.", name);
    }

    // A plain record, so RegisterComponents does not adopt the caller's models as submodules.
    private sealed record Backbones(StagedBackbone Teacher, StagedBackbone Student);
}
