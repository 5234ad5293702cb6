using FofaDsl.Backbones;
using TorchSharp;
using FofaDsl.Fofa;
using FofaDsl.Losses;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace FofaDsl.Training;

/// <summary>Classic logit KD (Hinton et al.): <c>w_ce * CE + w_kl * L_KL</c> with a frozen teacher.</summary>
public sealed class LogitDistillationStep : ITrainingStep
{
    private readonly StagedBackbone teacher;
    private readonly StagedBackbone student;
    private readonly FofaLossWeights weights;

    /// <summary>Freezes <paramref name="teacher"/> and distils it into <paramref name="student"/>.</summary>
    public LogitDistillationStep(StagedBackbone teacher, StagedBackbone student, FofaLossWeights weights)
    {
        this.teacher = teacher;
        this.student = student;
        this.weights = weights;
        Freezing.Freeze(teacher);
    }

    /// <inheritdoc />
    public string MethodName => "Logit KD";

    /// <inheritdoc />
    public StagedBackbone Student => student;

    /// <inheritdoc />
    public IEnumerable<Parameter> TrainableParameters() => student.parameters();

    /// <inheritdoc />
    public IReadOnlyList<torch.nn.Module> StatefulModules => [student];

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
        var ce = nn.functional.cross_entropy(logits, labels, label_smoothing: weights.LabelSmoothing) * weights.CrossEntropy;
        var kd = LogitDistillationLoss.Compute(logits, teacherLogits, weights.Temperature) * weights.LogitKd;
        return new StepOutput(ce + kd, [new LossTerm("ce", ce), new LossTerm("kd", kd)], logits);
    }
}
