using FofaDsl.Backbones;
using FofaDsl.Fofa;
using FofaDsl.Training;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace FofaDsl.Baselines;

/// <summary>
/// OFA-KD training (Hao et al. 2023): <c>w_ce * CE + weight * (sum_stages L_OFA(branch(f_s), z_t) + L_OFA(z_s, z_t))</c>.
/// Every selected student stage gets an <see cref="OfaBranch"/> that trains with the student; the
/// teacher is frozen and only its logits are used, computed without gradients.
/// </summary>
public sealed class OfaStep : ITrainingStep
{
    private readonly StagedBackbone teacher;
    private readonly StagedBackbone student;
    private readonly FofaLossWeights weights;
    private readonly OfaOptions options;
    private readonly OfaBranch[] branches;

    /// <summary>Freezes <paramref name="teacher"/> and builds one branch per selected student stage.</summary>
    /// <param name="teacher">The teacher, frozen here.</param>
    /// <param name="student">The model that is trained.</param>
    /// <param name="weights">Cross-entropy weight and label smoothing (the other weights are unused).</param>
    /// <param name="options">OFA's weight, eps, temperature, stages and branch size; null uses the defaults.</param>
    public OfaStep(StagedBackbone teacher, StagedBackbone student, FofaLossWeights weights, OfaOptions? options = null)
    {
        this.options = options ?? new OfaOptions();
        this.options.Validate();
        weights.Validate();
        this.teacher = teacher;
        this.student = student;
        this.weights = weights;
        var width = this.options.BranchWidth
            ?? Math.Max(student.StageGeometries[3].Channels, teacher.StageGeometries[3].Channels);
        branches = this.options.ResolvedStages
            .Select(s => new OfaBranch(student.StageGeometries[s - 1], student.NumClasses, width,
                OfaOptions.TransformerBlocksFor(s), this.options.BranchHeads))
            .ToArray();
        Freezing.Freeze(teacher);
    }

    /// <summary>The branches, in the order of <see cref="OfaOptions.ResolvedStages"/>.</summary>
    public IReadOnlyList<OfaBranch> Branches => branches;

    /// <inheritdoc />
    public string MethodName => "OFA";

    /// <inheritdoc />
    public StagedBackbone Student => student;

    /// <inheritdoc />
    public IEnumerable<Parameter> TrainableParameters() => student.parameters().Concat(branches.SelectMany(b => b.parameters()));

    /// <inheritdoc />
    public IReadOnlyList<nn.Module> StatefulModules => [student, .. branches];

    /// <inheritdoc />
    public void MoveTo(Device device)
    {
        teacher.to(device);
        student.to(device);
        foreach (var branch in branches) branch.to(device);
    }

    /// <inheritdoc />
    public void SetTraining(bool training)
    {
        student.train(training);
        foreach (var branch in branches) branch.train(training);
    }

    /// <inheritdoc />
    public StepOutput Compute(Tensor images, Tensor labels)
    {
        Tensor teacherLogits;
        using (no_grad()) teacherLogits = teacher.call(images);
        var (logits, stages) = student.ForwardWithStages(images);
        var ce = Targets.CrossEntropy(logits, labels, weights.LabelSmoothing) * weights.CrossEntropy;
        labels = Targets.HardLabels(labels);
        var stageLosses = options.ResolvedStages
            .Select((stage, i) => Ofa(branches[i].call(stages[stage - 1]), teacherLogits, labels))
            .Aggregate((a, b) => a + b) * options.Weight;
        var logitLoss = Ofa(logits, teacherLogits, labels) * options.Weight;
        return new StepOutput(ce + stageLosses + logitLoss,
            [new LossTerm("ce", ce), new LossTerm("ofa_stages", stageLosses), new LossTerm("ofa_logits", logitLoss)], logits);
    }

    private Tensor Ofa(Tensor logits, Tensor teacherLogits, Tensor labels) => options.OfficialCodeForm
        ? OfaLoss.ComputeAsOfficialCode(logits, teacherLogits, labels, options.Eps, options.Temperature)
        : OfaLoss.Compute(logits, teacherLogits, labels, options.Eps, options.Temperature);
}
