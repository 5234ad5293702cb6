using FofaDsl.Hosting;
using FofaDsl.Tests.Generated;
using FofaDsl.Training;

namespace FofaDsl.Tests.Hosting;

/// <summary>The training settings checkpoints record: what a resume compares, and what eval and export rebuild.</summary>
public sealed class CheckpointSettingsTests
{
    private static readonly TrainingSchedule Schedule = new(3, 8, OptimizerKind.AdamW, 0.001, 1e-5, 0.05, 0.9, 1);
    private static readonly DataSettings Data = new(DatasetKind.FashionMnist, null, 28, 16);

    private static ExperimentDefinition Run(TrainingSchedule schedule, DataSettings data, int seed = 11) =>
        TinyExperiment.Definition with { Schedule = schedule, Data = data, Seed = seed };

    private static string Fingerprint(TrainingSchedule schedule, DataSettings data, int seed = 11) =>
        "Tiny 0123456789abcdef kd" + CheckpointSettings.Describe(Run(schedule, data, seed));

    [Fact]
    public void The_record_names_each_used_setting_by_its_option_in_table_order_and_leaves_epochs_and_unused_ones_out()
    {
        Assert.Equal(" | batch-size=8 optimizer=AdamW lr=0.001 min-lr=1E-05 weight-decay=0.05 warmup-epochs=1 decay=Cosine grad-clip=0 ema-decay=0 train-limit=16 augmentation=Flip seed=11",
            CheckpointSettings.Describe(Run(Schedule with { Epochs = 40 }, Data)));
        var sgdStep = Schedule with { Optimizer = OptimizerKind.Sgd, Decay = LearningRateDecay.Step, DecayEveryEpochs = 30, DecayFactor = 0.1 };
        Assert.Equal(" | batch-size=8 optimizer=Sgd lr=0.001 weight-decay=0.05 momentum=0.9 warmup-epochs=1 decay=Step decay-every=30 decay-factor=0.1 grad-clip=0 ema-decay=0 train-limit=16 augmentation=Flip seed=11",
            CheckpointSettings.Describe(Run(sgdStep, Data)));
    }

    [Fact]
    public void Differences_name_each_changed_option_with_both_values_and_ignore_epochs()
    {
        var recorded = Fingerprint(Schedule, Data);
        Assert.Empty(CheckpointSettings.Differences(recorded, Fingerprint(Schedule with { Epochs = 9 }, Data)));

        var changed = Fingerprint(Schedule with { Optimizer = OptimizerKind.Sgd, EmaDecay = 0.9 }, Data with { Augmentation = AugmentationKind.None }, seed: 12);
        // Momentum is used only by the new run's SGD, so the optimizer itself is what is reported.
        Assert.Equal([("optimizer", "AdamW", "Sgd"), ("ema-decay", "0", "0.9"), ("augmentation", "Flip", "None"), ("seed", "11", "12")],
            CheckpointSettings.Differences(recorded, changed));
    }

    [Fact]
    public void Restore_rebuilds_the_recorded_settings_and_keeps_a_checkpoint_without_a_record_as_declared()
    {
        var trained = Schedule with { Optimizer = OptimizerKind.Sgd, Momentum = 0.5, EmaDecay = 0.99, GradientClip = 5, LearningRate = 0.1, MinLearningRate = 0.01 };
        var declared = Run(Schedule with { Epochs = 7 }, Data);
        var restored = CheckpointSettings.Restore(declared, Fingerprint(trained, Data with { TrainLimit = 64 }, seed: 5));
        Assert.Equal(trained with { Epochs = 7 }, restored.Schedule);
        Assert.Equal(64, restored.Data.TrainLimit);
        Assert.Equal(5, restored.Seed);
        Assert.Equal(declared, CheckpointSettings.Restore(declared, "Tiny 0123456789abcdef kd seed 11 batch 8"));
        Assert.False(CheckpointSettings.IsRecorded("Tiny 0123456789abcdef kd seed 11 batch 8"));
        Assert.True(CheckpointSettings.IsRecorded(Fingerprint(trained, Data)));
    }

    [Fact]
    public void Every_setting_reads_back_what_it_writes()
    {
        // Values unlike every declared one, so a setting that writes into another's place is caught.
        var text = new Dictionary<string, string>
        {
            ["epochs"] = "17", ["teacher-epochs"] = "23", ["batch-size"] = "6", ["optimizer"] = "Sgd", ["lr"] = "0.125", ["min-lr"] = "0.0625",
            ["weight-decay"] = "0.375", ["momentum"] = "0.4375", ["warmup-epochs"] = "2", ["decay"] = "Step", ["decay-every"] = "11",
            ["decay-factor"] = "0.3125", ["grad-clip"] = "2.5", ["ema-decay"] = "0.9375", ["data"] = "/data/x", ["train-limit"] = "77",
            ["augmentation"] = "VitRecipe", ["seed"] = "99", ["teacher-weights"] = "/t.safetensors", ["student-weights"] = "/s.safetensors", ["checkpoint-every"] = "13",
        };
        Assert.Equal(text.Keys.Order(), RunSettings.All.Select(s => s.Option).Order());
        var restored = RunSettings.Restore(TinyExperiment.Definition, text);
        Assert.Equal(text, RunSettings.Values(restored).ToDictionary(p => p.Key, p => p.Value!));
        // A value that does not parse leaves the setting as declared.
        Assert.Equal(TinyExperiment.Definition.Schedule.LearningRate, RunSettings.Restore(TinyExperiment.Definition, new Dictionary<string, string> { ["lr"] = "fast" }).Schedule.LearningRate);
    }
}
