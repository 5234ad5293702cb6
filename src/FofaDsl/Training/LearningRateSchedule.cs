namespace FofaDsl.Training;

/// <summary>Per-step learning rate: linear warm-up to the peak, then cosine decay to the minimum, or step decay.</summary>
public sealed class LearningRateSchedule
{
    private readonly double peak;
    private readonly double minimum;
    private readonly long warmupSteps;
    private readonly long totalSteps;
    private readonly long decayEverySteps;
    private readonly double decayFactor;

    /// <summary>Creates the schedule for <paramref name="totalSteps"/> optimizer steps, the first <paramref name="warmupSteps"/> of which warm up.</summary>
    public LearningRateSchedule(double peak, double minimum, long warmupSteps, long totalSteps)
    {
        if (totalSteps <= 0) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "A schedule needs at least one step.");
        this.peak = peak;
        this.minimum = minimum;
        // Warm-up may not swallow the whole run: keep at least one decaying step.
        this.warmupSteps = Math.Clamp(warmupSteps, 0, totalSteps - 1);
        this.totalSteps = totalSteps;
    }

    /// <summary>A step-decay schedule: after warm-up, the peak times <paramref name="factor"/> per <paramref name="everySteps"/> steps.</summary>
    public LearningRateSchedule(double peak, long warmupSteps, long totalSteps, long everySteps, double factor) : this(peak, 0, warmupSteps, totalSteps)
    {
        if (everySteps <= 0) throw new ArgumentOutOfRangeException(nameof(everySteps), everySteps, "The decay period must be positive.");
        decayEverySteps = everySteps;
        decayFactor = factor;
    }

    /// <summary>The schedule <paramref name="schedule"/> declares, for runs of <paramref name="stepsPerEpoch"/> steps per epoch.</summary>
    public static LearningRateSchedule For(TrainingSchedule schedule, long stepsPerEpoch) => schedule.Decay == LearningRateDecay.Step
        ? new LearningRateSchedule(schedule.LearningRate, schedule.WarmupEpochs * stepsPerEpoch, schedule.Epochs * stepsPerEpoch,
            schedule.DecayEveryEpochs * stepsPerEpoch, schedule.DecayFactor)
        : new LearningRateSchedule(schedule.LearningRate, schedule.MinLearningRate, schedule.WarmupEpochs * stepsPerEpoch, schedule.Epochs * stepsPerEpoch);

    /// <summary>Learning rate for the 0-based optimizer step <paramref name="step"/>.</summary>
    public double At(long step)
    {
        if (step < warmupSteps) return peak * (step + 1) / warmupSteps;
        if (decayEverySteps > 0) return peak * Math.Pow(decayFactor, step / decayEverySteps);
        var decaySteps = totalSteps - warmupSteps;
        var progress = decaySteps <= 1 ? 1.0 : Math.Min(1.0, (double)(step - warmupSteps) / (decaySteps - 1));
        return minimum + 0.5 * (peak - minimum) * (1 + Math.Cos(Math.PI * progress));
    }
}
