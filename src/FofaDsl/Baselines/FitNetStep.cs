using FofaDsl.Backbones;
using FofaDsl.Fofa;
using FofaDsl.Training;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace FofaDsl.Baselines;

/// <summary>
/// FitNet training: <c>w_ce * CE + weight * sum_stages MSE(regressor(f_s), f_t)</c> with a frozen
/// teacher whose stages are computed without gradients; the regressors train with the student.
/// </summary>
public sealed class FitNetStep : ITrainingStep
{
    private readonly StagedBackbone teacher;
    private readonly StagedBackbone student;
    private readonly FofaLossWeights weights;
    private readonly FitNetOptions options;

    /// <summary>Freezes <paramref name="teacher"/> and builds the regressors from the two models' stage geometries.</summary>
    /// <param name="teacher">The teacher, frozen here.</param>
    /// <param name="student">The model that is trained.</param>
    /// <param name="weights">Cross-entropy weight and label smoothing (the other weights are unused).</param>
    /// <param name="options">FitNet's weight and stages; null uses the defaults.</param>
    public FitNetStep(StagedBackbone teacher, StagedBackbone student, FofaLossWeights weights, FitNetOptions? options = null)
    {
        this.options = options ?? new FitNetOptions();
        this.options.Validate();
        weights.Validate();
        this.teacher = teacher;
        this.student = student;
        this.weights = weights;
        Hints = new FitNetLoss(student.StageGeometries, teacher.StageGeometries, this.options.ResolvedStages);
        Freezing.Freeze(teacher);
    }

    /// <summary>The per-stage regressors and their loss.</summary>
    public FitNetLoss Hints { get; }

    /// <inheritdoc />
    public string MethodName => "FitNet";

    /// <inheritdoc />
    public StagedBackbone Student => student;

    /// <inheritdoc />
    public IEnumerable<Parameter> TrainableParameters() => student.parameters().Concat(Hints.parameters());

    /// <inheritdoc />
    public IReadOnlyList<nn.Module> StatefulModules => [student, Hints];

    /// <inheritdoc />
    public void MoveTo(Device device)
    {
        teacher.to(device);
        student.to(device);
        Hints.to(device);
    }

    /// <inheritdoc />
    public void SetTraining(bool training)
    {
        student.train(training);
        Hints.train(training);
    }

    /// <inheritdoc />
    public StepOutput Compute(Tensor images, Tensor labels)
    {
        Tensor[] teacherStages;
        using (no_grad()) (_, teacherStages) = teacher.ForwardWithStages(images);
        var (logits, studentStages) = student.ForwardWithStages(images);
        var ce = Targets.CrossEntropy(logits, labels, weights.LabelSmoothing) * weights.CrossEntropy;
        var hint = Hints.Loss(studentStages, teacherStages) * options.Weight;
        return new StepOutput(ce + hint, [new LossTerm("ce", ce), new LossTerm("fitnet", hint)], logits);
    }
}
