using FofaDsl.Backbones;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace FofaDsl.Methods;

/// <summary>Plain supervised training: cross-entropy with label smoothing. Trains teachers and the "from scratch" students.</summary>
/// <param name="model">The model to train.</param>
/// <param name="labelSmoothing">Label smoothing of the cross-entropy.</param>
/// <param name="methodName">Name in logs and reports: "Scratch" for a student, "Supervised" for a teacher.</param>
public sealed class SupervisedStep(StagedBackbone model, double labelSmoothing, string methodName = "Scratch") : ITrainingStep
{
    /// <inheritdoc />
    public string MethodName => methodName;

    /// <inheritdoc />
    public StagedBackbone Student => model;

    /// <inheritdoc />
    public IEnumerable<Parameter> TrainableParameters() => model.parameters();

    /// <inheritdoc />
    public IReadOnlyList<torch.nn.Module> StatefulModules => [model];

    /// <inheritdoc />
    public void MoveTo(Device device) => model.to(device);

    /// <inheritdoc />
    public void SetTraining(bool training) => model.train(training);

    /// <inheritdoc />
    public StepOutput Compute(Tensor images, Tensor labels)
    {
        var logits = model.call(images);
        var ce = Targets.CrossEntropy(logits, labels, labelSmoothing);
        return new StepOutput(ce, [new LossTerm("ce", ce)], logits);
    }
}
