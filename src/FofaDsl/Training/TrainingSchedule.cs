namespace FofaDsl.Training;

/// <summary>Resolved training schedule (see <see cref="ScheduleAttribute"/> for the meaning of each value).</summary>
public sealed record TrainingSchedule(
    int Epochs,
    int BatchSize,
    OptimizerKind Optimizer,
    double LearningRate,
    double MinLearningRate,
    double WeightDecay,
    double Momentum,
    int WarmupEpochs)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first impossible value.</summary>
    public void Validate()
    {
        if (Epochs <= 0) throw new ArgumentException($"Epochs must be positive, got {Epochs}.");
        if (BatchSize <= 0) throw new ArgumentException($"Batch size must be positive, got {BatchSize}.");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"Learning rate must be a positive number, got {LearningRate}.");
        if (MinLearningRate < 0 || MinLearningRate > LearningRate) throw new ArgumentException($"Minimum learning rate must be in [0, {LearningRate}], got {MinLearningRate}.");
        if (WeightDecay < 0) throw new ArgumentException($"Weight decay must be non-negative, got {WeightDecay}.");
        if (WarmupEpochs < 0) throw new ArgumentException($"Warm-up epochs must be non-negative, got {WarmupEpochs}.");
    }
}
