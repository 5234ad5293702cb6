using FofaDsl.Backbones;
using FofaDsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Methods.Ofa;

/// <summary>
/// OFA-KD (Hao et al. 2023): an <see cref="OfaBranch"/> per selected student stage maps the stage to
/// logits; every branch's logits and the student's final logits get <see cref="OfaLoss"/> against the
/// teacher's logits. Reported as <c>ofa_stages</c> (<c>weight * sum over branches</c>) and
/// <c>ofa_logits</c> (<c>weight * L_OFA(z_s)</c>).
/// </summary>
/// <remarks>
/// The term is ADDED to the step's cross-entropy; it does not replace it. With the paper's form (<see cref="OfaLoss.Compute"/>) at eps 1 the final-logit term
/// already holds a label cross-entropy, so the label term is counted twice; OFA-KD's own code adds the
/// separate cross-entropy to <see cref="OfaLoss.ComputeAsOfficialCode"/>, which leaves the label term out
/// (<see cref="OfaOptions.OfficialCodeForm"/>). To have OFA replace the cross-entropy instead, set the
/// step's cross-entropy weight to 0.
/// </remarks>
public sealed class OfaTerm : IDistillationTerm
{
    private readonly OfaBranch[] branches;

    /// <summary>Builds one branch per selected student stage.</summary>
    /// <param name="teacher">The teacher (read for its last-stage width, the default branch width; the step freezes it).</param>
    /// <param name="student">The student.</param>
    /// <param name="options">Weight, eps, temperature, stages and branch size; see <see cref="OfaOptions"/>.</param>
    public OfaTerm(StagedBackbone teacher, StagedBackbone student, OfaOptions options)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        var width = options.BranchWidth ?? Math.Max(student.StageGeometries[3].Channels, teacher.StageGeometries[3].Channels);
        branches = options.ResolvedStages
            .Select(s => new OfaBranch(student.StageGeometries[s - 1], student.NumClasses, width,
                OfaOptions.TransformerBlocksFor(s), options.BranchHeads))
            .ToArray();
    }

    /// <summary>The term's settings.</summary>
    public OfaOptions Options { get; }

    /// <summary>The branches, in the order of <see cref="OfaOptions.ResolvedStages"/>.</summary>
    public IReadOnlyList<OfaBranch> Branches => branches;

    /// <inheritdoc />
    public string Name => "ofa";

    /// <inheritdoc />
    public IReadOnlyList<nn.Module> Modules => branches;

    /// <inheritdoc />
    public IEnumerable<LossTerm> Compute(DistillationInputs inputs)
    {
        var teacherLogits = inputs.RequireTeacher(Name).Logits.detach();
        var stages = inputs.Student.Stages;
        var stageLosses = Options.ResolvedStages
            .Select((stage, i) => Ofa(branches[i].call(stages[stage - 1]), teacherLogits, inputs.Labels))
            .Aggregate((a, b) => a + b) * Options.Weight;
        var logitLoss = Ofa(inputs.Student.Logits, teacherLogits, inputs.Labels) * Options.Weight;
        return [new LossTerm("ofa_stages", stageLosses), new LossTerm("ofa_logits", logitLoss)];
    }

    private Tensor Ofa(Tensor logits, Tensor teacherLogits, Tensor labels) => Options.OfficialCodeForm
        ? OfaLoss.ComputeAsOfficialCode(logits, teacherLogits, labels, Options.Eps, Options.Temperature)
        : OfaLoss.Compute(logits, teacherLogits, labels, Options.Eps, Options.Temperature);
}
