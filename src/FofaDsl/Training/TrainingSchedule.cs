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
    /// <summary>How the learning rate decays after warm-up. Default cosine.</summary>
    public LearningRateDecay Decay { get; init; } = LearningRateDecay.Cosine;

    /// <summary>Step decay: epochs between decays (the paper's ImageNet CNN recipe: 30).</summary>
    public int DecayEveryEpochs { get; init; } = 30;

    /// <summary>Step decay: factor applied at each decay (the paper's: 0.1).</summary>
    public double DecayFactor { get; init; } = 0.1;

    /// <summary>Clip the global gradient norm to this value before each step; 0 turns clipping off (the paper's ViT recipe: 5).</summary>
    public double GradientClip { get; init; }

    /// <summary>Decay of the model EMA of the student, which is then what is evaluated and kept; 0 turns EMA off (the paper's CNN recipe: 0.9998).</summary>
    public double EmaDecay { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first impossible value.</summary>
    public void Validate()
    {
        if (Epochs <= 0) throw new ArgumentException($"Epochs must be positive, got {Epochs}.");
        if (BatchSize <= 0) throw new ArgumentException($"Batch size must be positive, got {BatchSize}.");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"Learning rate must be a positive number, got {LearningRate}.");
        if (MinLearningRate < 0 || MinLearningRate > LearningRate) throw new ArgumentException($"Minimum learning rate must be in [0, {LearningRate}] (0 to the peak learning rate), got {MinLearningRate}.");
        if (WeightDecay < 0) throw new ArgumentException($"Weight decay must be non-negative, got {WeightDecay}.");
        if (WarmupEpochs < 0) throw new ArgumentException($"Warm-up epochs must be non-negative, got {WarmupEpochs}.");
        if (DecayEveryEpochs <= 0 || !(DecayFactor > 0 && DecayFactor <= 1)) throw new ArgumentException($"Step decay needs a positive period and a factor in (0, 1], got every {DecayEveryEpochs} epochs by {DecayFactor}.");
        if (!(GradientClip >= 0) || double.IsInfinity(GradientClip)) throw new ArgumentException($"Gradient clip must be 0 (off) or a positive number, got {GradientClip}.");
        if (!(EmaDecay >= 0 && EmaDecay < 1)) throw new ArgumentException($"EMA decay must be 0 (off) or in (0, 1), got {EmaDecay}.");
    }
}
