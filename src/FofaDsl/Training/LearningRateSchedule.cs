namespace FofaDsl.Training;

/// <summary>Per-step learning rate: linear warm-up to the peak, then cosine decay to the minimum.</summary>
public sealed class LearningRateSchedule
{
    private readonly double peak;
    private readonly double minimum;
    private readonly long warmupSteps;
    private readonly long totalSteps;

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

    /// <summary>Learning rate for the 0-based optimizer step <paramref name="step"/>.</summary>
    public double At(long step)
    {
        if (step < warmupSteps) return peak * (step + 1) / warmupSteps;
        var decaySteps = totalSteps - warmupSteps;
        var progress = decaySteps <= 1 ? 1.0 : Math.Min(1.0, (double)(step - warmupSteps) / (decaySteps - 1));
        return minimum + 0.5 * (peak - minimum) * (1 + Math.Cos(Math.PI * progress));
    }
}
