using FofaDsl.Training;

namespace FofaDsl.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void Warm_up_rises_linearly_then_cosine_decays_to_the_minimum()
    {
        var schedule = new LearningRateSchedule(peak: 1.0, minimum: 0.1, warmupSteps: 4, totalSteps: 9);
        Assert.Equal(0.25, schedule.At(0), 12);
        Assert.Equal(0.75, schedule.At(2), 12);
        Assert.Equal(1.0, schedule.At(3), 12);
        Assert.Equal(1.0, schedule.At(4), 12);                                    // first decay step: cos(0)
        Assert.Equal(0.1 + 0.45 * (1 + Math.Cos(Math.PI * 2 / 4)), schedule.At(6), 12); // halfway: 0.55
        Assert.Equal(0.1, schedule.At(8), 12);                                    // last step reaches the minimum
    }

    [Fact]
    public void Warm_up_longer_than_the_run_still_leaves_a_decay_step()
    {
        var schedule = new LearningRateSchedule(peak: 2.0, minimum: 0.0, warmupSteps: 10, totalSteps: 3);
        Assert.Equal(1.0, schedule.At(0), 12);
        Assert.Equal(2.0, schedule.At(1), 12);
        Assert.Equal(0.0, schedule.At(2), 12);
    }
}

public sealed class StepDecayScheduleTests
{
    [Fact]
    public void Step_decay_multiplies_by_the_factor_every_period_after_warm_up()
    {
        var schedule = LearningRateSchedule.For(new TrainingSchedule(6, 8, OptimizerKind.Sgd, 0.1, 0, 0, 0.9, 1) { Decay = LearningRateDecay.Step, DecayEveryEpochs = 2, DecayFactor = 0.1 }, stepsPerEpoch: 10);
        Assert.Equal(0.01, schedule.At(0), 12);   // warm-up: 1/10 of the peak
        Assert.Equal(0.1, schedule.At(19), 12);   // epoch 2 (0-based 1): still the peak
        Assert.Equal(0.01, schedule.At(20), 12);  // epoch 3: one decay
        Assert.Equal(0.001, schedule.At(45), 12); // epoch 5: two decays
    }
}
