using FofaDsl.Backbones;
using FofaDsl.Stages;
using FofaDsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Methods.Fofa;

/// <summary>
/// FOFA as a distillation term (method spec section 2): the HCL feature loss between the student's stages, passed through
/// region-aware attention and the aligners, and the teacher's stages computed with adaptive feedback prompts; and the
/// prompt regularisation between the plain and the prompted teacher. Reported as <c>feature</c> and, with prompts,
/// <c>prompt-reg</c>, each weighted. A FOFA run is <c>DistillationStep(ce, KdTerm, FofaTerm)</c>: the cross-entropy is the
/// step's and the logit KD is <see cref="Kd.KdTerm"/>'s, so FOFA composes with any other term.
/// </summary>
/// <remarks>
/// The step runs the plain teacher once under no-grad (its logits feed KD and the regularisation target; without prompts
/// its stages are the feature targets); the prompted teacher is run here, differentiable with respect to the prompts.
/// In training mode each prompt stores the new feedback <c>(aligned_i - teacher_i).detach()</c> for the next step.
/// </remarks>
public sealed class FofaTerm : IDistillationTerm
{
    private readonly StagedBackbone teacher;

    /// <summary>Freezes <paramref name="teacher"/> and builds FOFA's modules between it and <paramref name="student"/>.</summary>
    /// <param name="teacher">The trained teacher; its parameters get <c>requires_grad = false</c> and it is put in eval mode.</param>
    /// <param name="student">The student being trained (read for its stage shapes).</param>
    /// <param name="options">FOFA hyper-parameters and ablations (validated here).</param>
    /// <param name="weights">The feature and prompt-regularisation weights are read (validated here).</param>
    public FofaTerm(StagedBackbone teacher, StagedBackbone student, FofaOptions options, FofaLossWeights weights)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(weights);
        weights.Validate();
        Components = new FofaModules(teacher, student, options);
        this.teacher = teacher;
        FeatureWeight = options.FeatureWeight ?? weights.Feature;
        PromptRegularisationWeight = weights.PromptRegularisation;
        Freezing.Freeze(teacher);
    }

    /// <inheritdoc />
    public string Name => "fofa";

    /// <summary>Hyper-parameters and ablations of this term.</summary>
    public FofaOptions Options => Components.Options;

    /// <summary>Weight of the feature loss: the run's own (<see cref="FofaOptions.FeatureWeight"/>), else the declared one.</summary>
    public double FeatureWeight { get; }

    /// <summary>
    /// The factor the feature loss is scaled by in the current epoch: <c>min(epoch / FeatureWarmupEpochs, 1)</c>, or 1
    /// without warm-up (and before the training loop has started an epoch).
    /// </summary>
    public double FeatureWarmupScale => Options.FeatureWarmupEpochs > 0 && epoch > 0 ? Math.Min((double)epoch / Options.FeatureWarmupEpochs, 1.0) : 1.0;

    private int epoch;

    /// <inheritdoc />
    public void BeginEpoch(int epoch) => this.epoch = epoch;

    /// <summary>Weight of the prompt regularisation.</summary>
    public double PromptRegularisationWeight { get; }

    /// <summary>The region-aware attention, aligners and prompts.</summary>
    public FofaModules Components { get; }

    /// <inheritdoc />
    public IReadOnlyList<nn.Module> Modules => [Components];

    /// <inheritdoc />
    public IEnumerable<LossTerm> Compute(DistillationInputs inputs)
    {
        using var scope = NewDisposeScope();
        var plain = inputs.RequireTeacher(Name);
        var teacherStages = Components.TeacherStages;

        IReadOnlyList<Tensor> teacherFeatures = plain.Stages;
        Tensor? promptRegularisation = null;
        if (Options.UsePrompts)
        {
            (var promptedLogits, teacherFeatures) = Components.ForwardPromptedTeacher(teacher, inputs.RequireImages(Name));
            promptRegularisation = PromptRegularisationLoss.Compute(plain.Logits.detach(), promptedLogits) * PromptRegularisationWeight;
        }

        var aligned = Components.AlignStudent(inputs.Student.Stages);
        var feature = zeros(Array.Empty<long>(), device: inputs.Student.Logits.device);
        for (var i = 0; i < FofaOptions.StageCount; i++)
        {
            var studentMap = StageTensors.ToSpatial(aligned[i], teacherStages[i] with { HasClassToken = false });
            var teacherMap = ClassTokenPlacement.ToSpatial(teacherFeatures[i], teacherStages[i], Options.ReferenceCodeQuirks);
            feature = feature + HierarchicalContextLoss.Compute(studentMap, teacherMap);
            var prompt = Components.PromptFor(i + 1);
            if (prompt is not null && prompt.UsesFeedback && prompt.training)
            {
                using (no_grad()) prompt.UpdateFeedback(studentMap - teacherMap);
            }
        }

        List<LossTerm> terms = [new("feature", (feature * (FeatureWeight * FeatureWarmupScale)).MoveToOuterDisposeScope())];
        if (promptRegularisation is not null) terms.Add(new("prompt-reg", promptRegularisation.MoveToOuterDisposeScope()));
        return terms;
    }

    /// <summary>Writes the prompts' feedback, the state FOFA carries from one step to the next.</summary>
    public void SaveState(BinaryWriter writer) => Components.SaveFeedback(writer);

    /// <summary>Under several ranks, gathers every rank's feedback so the checkpoint holds the whole global batch's.</summary>
    public void PrepareCheckpoint() => Components.GatherFeedbackForCheckpoint();

    /// <summary>Restores what <see cref="SaveState"/> wrote.</summary>
    public void LoadState(BinaryReader reader) => Components.LoadFeedback(reader);
}
