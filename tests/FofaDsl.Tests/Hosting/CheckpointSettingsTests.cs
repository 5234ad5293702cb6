using FofaDsl.Hosting;
using FofaDsl.Training;

namespace FofaDsl.Tests.Hosting;

/// <summary>The training settings checkpoints record: what a resume compares, and what eval and export rebuild.</summary>
public sealed class CheckpointSettingsTests
{
    private static readonly TrainingSchedule Schedule = new(3, 8, OptimizerKind.AdamW, 0.001, 1e-5, 0.05, 0.9, 1);
    private static readonly DataSettings Data = new(DatasetKind.FashionMnist, null, 28, 16);

    private static string Fingerprint(TrainingSchedule schedule, DataSettings data, int seed = 11) =>
        $"Tiny 0123456789abcdef kd seed {seed} batch {schedule.BatchSize}" + CheckpointSettings.Describe(schedule, data);

    [Fact]
    public void The_record_names_each_used_setting_by_its_option_and_leaves_epochs_and_unused_ones_out()
    {
        Assert.Equal(" | augmentation=Flip train-limit=16 optimizer=AdamW lr=0.001 weight-decay=0.05 warmup-epochs=1 decay=Cosine min-lr=1E-05 grad-clip=0 ema-decay=0",
            CheckpointSettings.Describe(Schedule with { Epochs = 40 }, Data));
        var sgdStep = Schedule with { Optimizer = OptimizerKind.Sgd, Decay = LearningRateDecay.Step, DecayEveryEpochs = 30, DecayFactor = 0.1 };
        Assert.Equal(" | augmentation=Flip train-limit=16 optimizer=Sgd lr=0.001 weight-decay=0.05 momentum=0.9 warmup-epochs=1 decay=Step decay-every=30 decay-factor=0.1 grad-clip=0 ema-decay=0",
            CheckpointSettings.Describe(sgdStep, Data));
    }

    [Fact]
    public void Differences_name_each_changed_option_with_both_values_and_ignore_epochs()
    {
        var recorded = Fingerprint(Schedule, Data);
        Assert.Empty(CheckpointSettings.Differences(recorded, Fingerprint(Schedule with { Epochs = 9 }, Data)));

        var changed = Fingerprint(Schedule with { Optimizer = OptimizerKind.Sgd, EmaDecay = 0.9 }, Data with { Augmentation = AugmentationKind.None }, seed: 12);
        // Momentum is used only by the new run's SGD, so the optimizer itself is what is reported.
        Assert.Equal([("seed", "11", "12"), ("augmentation", "Flip", "None"), ("optimizer", "AdamW", "Sgd"), ("ema-decay", "0", "0.9")],
            CheckpointSettings.Differences(recorded, changed));
    }

    [Fact]
    public void Restore_rebuilds_the_recorded_schedule_and_keeps_a_checkpoint_without_a_record_as_declared()
    {
        var trained = Schedule with { Optimizer = OptimizerKind.Sgd, Momentum = 0.5, EmaDecay = 0.99, GradientClip = 5, LearningRate = 0.1, MinLearningRate = 0.01 };
        var declared = Schedule with { Epochs = 7 };
        Assert.Equal(trained with { Epochs = 7 }, CheckpointSettings.Restore(declared, Fingerprint(trained, Data)));
        Assert.Equal(declared, CheckpointSettings.Restore(declared, "Tiny 0123456789abcdef kd seed 11 batch 8"));
        Assert.False(CheckpointSettings.IsRecorded("Tiny 0123456789abcdef kd seed 11 batch 8"));
        Assert.True(CheckpointSettings.IsRecorded(Fingerprint(trained, Data)));
    }
}
