namespace FofaDsl;

/// <summary>
/// Training schedule: linear warm-up then cosine decay, per step. Every value is overridable
/// from the generated program's command line.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ScheduleAttribute : Attribute
{
    /// <summary>Epochs of student training. Default 10.</summary>
    public int Epochs { get; set; } = 10;

    /// <summary>Epochs of supervised teacher training when no teacher weights are given. Default 10.</summary>
    public int TeacherEpochs { get; set; } = 10;

    /// <summary>Mini-batch size; the training loader drops the last partial batch. Default 128.</summary>
    public int BatchSize { get; set; } = 128;

    /// <summary>The optimizer. Default <see cref="OptimizerKind.AdamW"/>.</summary>
    public OptimizerKind Optimizer { get; set; } = OptimizerKind.AdamW;

    /// <summary>Peak learning rate, reached at the end of warm-up. Default 1e-3.</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>Learning rate at the end of the cosine decay. Default 1e-5.</summary>
    public double MinLearningRate { get; set; } = 1e-5;

    /// <summary>Weight decay (decoupled for AdamW). Default 0.05.</summary>
    public double WeightDecay { get; set; } = 0.05;

    /// <summary>SGD momentum. Default 0.9.</summary>
    public double Momentum { get; set; } = 0.9;

    /// <summary>Warm-up epochs, in which the learning rate rises linearly from near zero. Default 1.</summary>
    public int WarmupEpochs { get; set; } = 1;

    /// <summary>Decay after warm-up: <see cref="LearningRateDecay.Cosine"/> (default) or <see cref="LearningRateDecay.Step"/>.</summary>
    public LearningRateDecay Decay { get; set; } = LearningRateDecay.Cosine;

    /// <summary>Step decay: epochs between decays. Default 30.</summary>
    public int DecayEveryEpochs { get; set; } = 30;

    /// <summary>Step decay: factor at each decay, in (0, 1]. Default 0.1.</summary>
    public double DecayFactor { get; set; } = 0.1;

    /// <summary>Clip the global gradient norm to this value; 0 (default) turns clipping off.</summary>
    public double GradientClip { get; set; }

    /// <summary>Decay of the student's model EMA, which is then evaluated and kept; 0 (default) turns it off. The paper's CNN recipe uses 0.9998.</summary>
    public double EmaDecay { get; set; }
}
