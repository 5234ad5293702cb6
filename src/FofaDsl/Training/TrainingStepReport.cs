namespace FofaDsl.Training;

/// <summary>What one optimizer step did, as read for the NaN check (no extra device reads beyond the total).</summary>
/// <param name="Method">The step's method name.</param>
/// <param name="Epoch">The epoch the step belongs to, from 1.</param>
/// <param name="Step">Optimizer steps done including this one: the first step of a run is 1.</param>
/// <param name="LearningRate">The learning rate the step used.</param>
/// <param name="Total">The loss that was back-propagated.</param>
/// <param name="Terms">Each (weighted) loss term, in the step's order.</param>
/// <param name="ImagesPerSecond">Images of this step over its wall time, data loading included.</param>
public sealed record TrainingStepReport(string Method, int Epoch, long Step, double LearningRate, float Total,
    IReadOnlyDictionary<string, float> Terms, double ImagesPerSecond);
