namespace FofaDsl.Training;

/// <summary>
/// Receives a training run's progress as it happens: a console display, a per-step metrics file.
/// <see cref="TrainingLoop"/> only reports; what is drawn or written is up to the receiver, so the
/// loop stays free of UI and files. Every member does nothing by default.
/// </summary>
public interface ITrainingProgress
{
    /// <summary>The run starts, or resumes after <see cref="TrainingRunStart.CompletedSteps"/> steps.</summary>
    void RunStarted(TrainingRunStart run) { }

    /// <summary>One optimizer step finished.</summary>
    void StepCompleted(TrainingStepReport step) { }

    /// <summary>An epoch finished and was evaluated on the held-out split.</summary>
    void EpochCompleted(string method, EpochReport epoch) { }
}
