using System.Globalization;
using FofaDsl.Training;

namespace FofaDsl.Hosting;

/// <summary>
/// The training settings a method's checkpoints record after the fingerprint's base, each under the name of the
/// command-line option that sets it, e.g. <c> | augmentation=Flip train-limit=0 optimizer=AdamW lr=0.001 ...</c>.
/// Command-line overrides are not part of the declaration's hash, so without this record a resume could carry
/// a checkpoint on under other settings (or load one optimizer's state into another); with it, a resume whose
/// settings differ is refused naming each one, and <c>eval</c>/<c>export</c> rebuild the optimizer and EMA the run had.
/// Epochs are not recorded: a resume may lengthen a run.
/// </summary>
internal static class CheckpointSettings
{
    private const string Separator = " | ";

    /// <summary>The record of a run with <paramref name="schedule"/> on <paramref name="data"/>, as the fingerprint's suffix (starting with the separator).</summary>
    public static string Describe(TrainingSchedule schedule, DataSettings data)
    {
        var pairs = new List<(string Option, string Value)>
        {
            ("augmentation", data.Augmentation.ToString()),
            ("train-limit", Text(data.TrainLimit)),
            ("optimizer", schedule.Optimizer.ToString()),
            ("lr", Text(schedule.LearningRate)),
            ("weight-decay", Text(schedule.WeightDecay)),
        };
        // Settings the run does not use are left out, so changing one of them does not block a resume.
        if (schedule.Optimizer == OptimizerKind.Sgd) pairs.Add(("momentum", Text(schedule.Momentum)));
        pairs.Add(("warmup-epochs", Text(schedule.WarmupEpochs)));
        pairs.Add(("decay", schedule.Decay.ToString()));
        if (schedule.Decay == LearningRateDecay.Cosine) pairs.Add(("min-lr", Text(schedule.MinLearningRate)));
        else
        {
            pairs.Add(("decay-every", Text(schedule.DecayEveryEpochs)));
            pairs.Add(("decay-factor", Text(schedule.DecayFactor)));
        }
        pairs.Add(("grad-clip", Text(schedule.GradientClip)));
        pairs.Add(("ema-decay", Text(schedule.EmaDecay)));
        return Separator + string.Join(" ", pairs.Select(p => $"{p.Option}={p.Value}"));
    }

    /// <summary>Whether <paramref name="fingerprint"/> carries a settings record (checkpoints written before it was added do not).</summary>
    public static bool IsRecorded(string fingerprint) => fingerprint.Contains(Separator, StringComparison.Ordinal);

    /// <summary>
    /// Each setting that differs between a checkpoint's fingerprint and this run's, by option name (<c>optimizer</c>),
    /// seed and batch size (from the fingerprint's base) first. Settings only one of them uses are skipped: the setting
    /// that makes the difference (optimizer, decay) is listed itself.
    /// </summary>
    public static IReadOnlyList<(string Option, string Checkpoint, string Now)> Differences(string recorded, string current)
    {
        var then = Read(recorded);
        return Read(current).Where(setting => then.TryGetValue(setting.Key, out var old) && old != setting.Value)
            .Select(setting => (setting.Key, then[setting.Key], setting.Value))
            .ToList();
    }

    /// <summary><paramref name="schedule"/> with every setting <paramref name="fingerprint"/> records (none for a checkpoint without a record).</summary>
    public static TrainingSchedule Restore(TrainingSchedule schedule, string fingerprint)
    {
        var recorded = Read(fingerprint);
        double Number(string option, double fallback) => recorded.TryGetValue(option, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        int Integer(string option, int fallback) => recorded.TryGetValue(option, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        T Choice<T>(string option, T fallback) where T : struct, Enum => recorded.TryGetValue(option, out var v) ? Enum.Parse<T>(v) : fallback;
        return schedule with
        {
            Optimizer = Choice("optimizer", schedule.Optimizer),
            LearningRate = Number("lr", schedule.LearningRate),
            MinLearningRate = Number("min-lr", schedule.MinLearningRate),
            WeightDecay = Number("weight-decay", schedule.WeightDecay),
            Momentum = Number("momentum", schedule.Momentum),
            WarmupEpochs = Integer("warmup-epochs", schedule.WarmupEpochs),
            Decay = Choice("decay", schedule.Decay),
            DecayEveryEpochs = Integer("decay-every", schedule.DecayEveryEpochs),
            DecayFactor = Number("decay-factor", schedule.DecayFactor),
            GradientClip = Number("grad-clip", schedule.GradientClip),
            EmaDecay = Number("ema-decay", schedule.EmaDecay),
        };
    }

    /// <summary>Seed and batch size from the base (<c>... seed S batch B</c>), then the recorded settings, in order.</summary>
    private static List<KeyValuePair<string, string>> ReadOrdered(string fingerprint)
    {
        var settingsAt = fingerprint.IndexOf(Separator, StringComparison.Ordinal);
        var baseText = settingsAt < 0 ? fingerprint : fingerprint[..settingsAt];
        var settings = new List<KeyValuePair<string, string>>();
        var seedAt = baseText.LastIndexOf(" seed ", StringComparison.Ordinal);
        if (seedAt >= 0 && baseText[(seedAt + 1)..].Split(' ') is ["seed", var seed, "batch", var batch])
        {
            settings.Add(new("seed", seed));
            settings.Add(new("batch-size", batch));
        }
        if (settingsAt >= 0)
            foreach (var pair in fingerprint[(settingsAt + Separator.Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                if (pair.Split('=', 2) is [var option, var value]) settings.Add(new(option, value));
        return settings;
    }

    private static IReadOnlyDictionary<string, string> Read(string fingerprint)
    {
        // Insertion order is the order differences are listed in.
        var settings = new OrderedDictionary<string, string>();
        foreach (var (option, value) in ReadOrdered(fingerprint)) settings[option] = value;
        return settings;
    }

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
