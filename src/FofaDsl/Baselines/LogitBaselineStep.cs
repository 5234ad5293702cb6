using FofaDsl.Backbones;
using FofaDsl.Fofa;
using FofaDsl.Training;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace FofaDsl.Baselines;

/// <summary>
/// A method that distils through the logits only (KD, DKD, DIST): <c>w_ce * CE + loss(z_s, z_t, y)</c>,
/// with a frozen teacher evaluated under no-grad.
/// </summary>
public sealed class LogitBaselineStep : ITrainingStep
{
    private readonly StagedBackbone teacher;
    private readonly StagedBackbone student;
    private readonly FofaLossWeights weights;
    private readonly string termName;
    private readonly Func<Tensor, Tensor, Tensor, Tensor> loss;

    /// <summary>Freezes <paramref name="teacher"/>; <paramref name="loss"/> maps (student logits, teacher logits, labels) to the weighted distillation term.</summary>
    public LogitBaselineStep(StagedBackbone teacher, StagedBackbone student, FofaLossWeights weights, string methodName, string termName,
        Func<Tensor, Tensor, Tensor, Tensor> loss)
    {
        this.teacher = teacher;
        this.student = student;
        this.weights = weights;
        this.termName = termName;
        this.loss = loss;
        MethodName = methodName;
        Freezing.Freeze(teacher);
    }

    /// <summary>Classic logit KD (Hinton et al.): <c>w_kl * T^2 * KL(p_t || p_s)</c>.</summary>
    public static LogitBaselineStep Kd(StagedBackbone teacher, StagedBackbone student, FofaLossWeights weights) =>
        new(teacher, student, weights, "Logit KD", "kd", (s, t, _) => Losses.LogitDistillationLoss.Compute(s, t, weights.Temperature) * weights.LogitKd);

    /// <summary>DKD with the benchmark's defaults (alpha 1, beta 2) at the experiment's temperature.</summary>
    public static LogitBaselineStep Dkd(StagedBackbone teacher, StagedBackbone student, FofaLossWeights weights, double alpha = 1, double beta = 2) =>
        new(teacher, student, weights, "DKD", "dkd", (s, t, y) => DecoupledKdLoss.Compute(s, t, y, alpha, beta, weights.Temperature));

    /// <summary>DIST with the benchmark's defaults (beta 1, gamma 1) at the experiment's temperature.</summary>
    public static LogitBaselineStep Dist(StagedBackbone teacher, StagedBackbone student, FofaLossWeights weights, double beta = 1, double gamma = 1) =>
        new(teacher, student, weights, "DIST", "dist", (s, t, _) => DistLoss.Compute(s, t, beta, gamma, weights.Temperature));

    /// <inheritdoc />
    public string MethodName { get; }

    /// <inheritdoc />
    public StagedBackbone Student => student;

    /// <inheritdoc />
    public IEnumerable<Parameter> TrainableParameters() => student.parameters();

    /// <inheritdoc />
    public IReadOnlyList<nn.Module> StatefulModules => [student];

    /// <inheritdoc />
    public void MoveTo(Device device)
    {
        teacher.to(device);
        student.to(device);
    }

    /// <inheritdoc />
    public void SetTraining(bool training) => student.train(training);

    /// <inheritdoc />
    public StepOutput Compute(Tensor images, Tensor labels)
    {
        Tensor teacherLogits;
        using (no_grad()) teacherLogits = teacher.call(images);
        var logits = student.call(images);
        var ce = Targets.CrossEntropy(logits, labels, weights.LabelSmoothing) * weights.CrossEntropy;
        var distillation = loss(logits, teacherLogits, Targets.HardLabels(labels));
        return new StepOutput(ce + distillation, [new LossTerm("ce", ce), new LossTerm(termName, distillation)], logits);
    }
}
