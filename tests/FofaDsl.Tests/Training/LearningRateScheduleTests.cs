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
