using FofaDsl.Training;

namespace FofaDsl.Hosting;

/// <summary>Hands every progress event to several receivers, in order.</summary>
internal sealed class CompositeTrainingProgress(params ITrainingProgress[] receivers) : ITrainingProgress
{
    /// <inheritdoc />
    public void RunStarted(TrainingRunStart run)
    {
        foreach (var receiver in receivers) receiver.RunStarted(run);
    }

    /// <inheritdoc />
    public void StepCompleted(TrainingStepReport step)
    {
        foreach (var receiver in receivers) receiver.StepCompleted(step);
    }

    /// <inheritdoc />
    public void EpochCompleted(string method, EpochReport epoch)
    {
        foreach (var receiver in receivers) receiver.EpochCompleted(method, epoch);
    }
}
