namespace FofaDsl.Training;

/// <summary>The shape of a training run, as it starts or resumes.</summary>
/// <param name="Method">The step's method name.</param>
/// <param name="Epochs">Epochs of the whole run.</param>
/// <param name="StepsPerEpoch">Optimizer steps per epoch.</param>
/// <param name="BatchSize">Images per step.</param>
/// <param name="CompletedSteps">Optimizer steps already done (0 for a fresh run; a resumed run's checkpoint step).</param>
public sealed record TrainingRunStart(string Method, int Epochs, int StepsPerEpoch, int BatchSize, long CompletedSteps)
{
    /// <summary>Optimizer steps of the whole run.</summary>
    public long TotalSteps => (long)Epochs * StepsPerEpoch;
}
