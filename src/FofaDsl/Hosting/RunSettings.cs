using FofaDsl.Training;

namespace FofaDsl.Hosting;

/// <summary>
/// Every setting a run is resolved with, once, in the order of the README's option table. The manifest records them
/// (<c>settings</c>), a resume takes them back from it (<see cref="RunRecord"/>), and a method's checkpoints record the
/// ones that decide what a step does (<see cref="CheckpointSettings"/>), so that a resume under other settings is
/// refused by name and <c>eval</c>/<c>export</c> rebuild the run's optimizer and EMA. The command line parses each into
/// <see cref="RunOptions"/> (typed, with its own checks), and <see cref="Apply"/> lays the given ones over the declaration.
/// </summary>
internal static class RunSettings
{
    private static bool Always(ExperimentDefinition _) => true;

    /// <summary>The settings, epochs first; the ones a checkpoint records say when.</summary>
    public static IReadOnlyList<RunSetting> All { get; } =
    [
        // Epochs are not recorded in checkpoints: a resume may lengthen a run.
        RunSetting.Integer("epochs", o => o.Epochs, d => d.Schedule.Epochs, (d, v) => d with { Schedule = d.Schedule with { Epochs = v } }),
        RunSetting.Integer("teacher-epochs", o => o.TeacherEpochs, d => d.TeacherEpochs, (d, v) => d with { TeacherEpochs = v }),
        RunSetting.Integer("batch-size", o => o.BatchSize, d => d.Schedule.BatchSize, (d, v) => d with { Schedule = d.Schedule with { BatchSize = v } }, Always),
        RunSetting.Choice("optimizer", o => o.Optimizer, d => d.Schedule.Optimizer, (d, v) => d with { Schedule = d.Schedule with { Optimizer = v } }, Always),
        RunSetting.Number("lr", o => o.LearningRate, d => d.Schedule.LearningRate, (d, v) => d with { Schedule = d.Schedule with { LearningRate = v } }, Always),
        RunSetting.Number("min-lr", o => o.MinLearningRate, d => d.Schedule.MinLearningRate, (d, v) => d with { Schedule = d.Schedule with { MinLearningRate = v } },
            d => d.Schedule.Decay == LearningRateDecay.Cosine),
        RunSetting.Number("weight-decay", o => o.WeightDecay, d => d.Schedule.WeightDecay, (d, v) => d with { Schedule = d.Schedule with { WeightDecay = v } }, Always),
        RunSetting.Number("momentum", o => o.Momentum, d => d.Schedule.Momentum, (d, v) => d with { Schedule = d.Schedule with { Momentum = v } },
            d => d.Schedule.Optimizer == OptimizerKind.Sgd),
        RunSetting.Integer("warmup-epochs", o => o.WarmupEpochs, d => d.Schedule.WarmupEpochs, (d, v) => d with { Schedule = d.Schedule with { WarmupEpochs = v } }, Always),
        RunSetting.Choice("decay", o => o.Decay, d => d.Schedule.Decay, (d, v) => d with { Schedule = d.Schedule with { Decay = v } }, Always),
        RunSetting.Integer("decay-every", o => o.DecayEveryEpochs, d => d.Schedule.DecayEveryEpochs, (d, v) => d with { Schedule = d.Schedule with { DecayEveryEpochs = v } },
            d => d.Schedule.Decay == LearningRateDecay.Step),
        RunSetting.Number("decay-factor", o => o.DecayFactor, d => d.Schedule.DecayFactor, (d, v) => d with { Schedule = d.Schedule with { DecayFactor = v } },
            d => d.Schedule.Decay == LearningRateDecay.Step),
        RunSetting.Number("grad-clip", o => o.GradientClip, d => d.Schedule.GradientClip, (d, v) => d with { Schedule = d.Schedule with { GradientClip = v } }, Always),
        RunSetting.Number("ema-decay", o => o.EmaDecay, d => d.Schedule.EmaDecay, (d, v) => d with { Schedule = d.Schedule with { EmaDecay = v } }, Always),
        // The data folder may move between a run and its resume; the images it holds are checked by the train limit and the dataset.
        RunSetting.Text("data", o => o.DataPath, d => d.Data.Path, (d, v) => d with { Data = d.Data with { Path = v } }),
        RunSetting.Integer("train-limit", o => o.TrainLimit, d => d.Data.TrainLimit, (d, v) => d with { Data = d.Data with { TrainLimit = v } }, Always),
        RunSetting.Choice("augmentation", o => o.Augmentation, d => d.Data.Augmentation, (d, v) => d with { Data = d.Data with { Augmentation = v } }, Always),
        RunSetting.Integer("seed", o => o.Seed, d => d.Seed, (d, v) => d with { Seed = v }, Always),
        RunSetting.Text("teacher-weights", o => o.TeacherWeights, d => d.TeacherWeights, (d, v) => d with { TeacherWeights = v }),
        RunSetting.Text("student-weights", o => o.StudentWeights, d => d.StudentWeights, (d, v) => d with { StudentWeights = v }),
        RunSetting.Integer("checkpoint-every", o => o.CheckpointEverySteps, d => d.CheckpointEverySteps, (d, v) => d with { CheckpointEverySteps = v }),
    ];

    /// <summary>Every setting's value in <paramref name="definition"/>, by option, in table order (what the manifest records).</summary>
    public static IReadOnlyDictionary<string, string?> Values(ExperimentDefinition definition)
    {
        var values = new OrderedDictionary<string, string?>();
        foreach (var setting in All) values[setting.Option] = setting.Read(definition);
        return values;
    }

    /// <summary>
    /// <paramref name="definition"/> with every setting <paramref name="options"/> gives in place of its own. A declared
    /// minimum learning rate above an overridden peak is lowered to it; an explicit <c>--min-lr</c> above the peak throws
    /// <see cref="ArgumentException"/> naming both.
    /// </summary>
    public static ExperimentDefinition Apply(ExperimentDefinition definition, RunOptions options)
    {
        foreach (var setting in All)
            if (setting.Given(options) is { } text) definition = setting.Write(definition, text);
        var schedule = definition.Schedule;
        if (schedule.MinLearningRate <= schedule.LearningRate) return definition;
        if (options.MinLearningRate is { } minimum)
            throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"--min-lr {minimum} is above the peak learning rate {schedule.LearningRate} ({(options.LearningRate is null ? "the declared LearningRate" : "--lr")}): lower --min-lr or raise --lr."));
        return definition with { Schedule = schedule with { MinLearningRate = schedule.LearningRate } };
    }

    /// <summary><paramref name="definition"/> with each of <paramref name="values"/> (by option) put back; unknown options and unparsable values are skipped.</summary>
    public static ExperimentDefinition Restore(ExperimentDefinition definition, IReadOnlyDictionary<string, string> values)
    {
        foreach (var setting in All)
            if (values.TryGetValue(setting.Option, out var text)) definition = setting.Write(definition, text);
        return definition;
    }
}
