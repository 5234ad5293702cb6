namespace FofaDsl.Hosting;

/// <summary>
/// The settings a method's checkpoints record after the fingerprint's base, each under the name of the command-line
/// option that sets it, e.g. <c> | batch-size=128 optimizer=AdamW lr=0.001 ... train-limit=0 augmentation=Flip seed=7</c>:
/// the <see cref="RunSettings"/> that decide what a step does (<see cref="RunSetting.IsRecordedFor"/>). Command-line
/// overrides are not part of the declaration's hash, so without this record a resume could carry a checkpoint on under
/// other settings (or load one optimizer's state into another); with it, a resume whose settings differ is refused naming
/// each one, and <c>eval</c>/<c>export</c> rebuild the optimizer and EMA the run had. Epochs are not recorded: a resume may lengthen a run.
/// </summary>
internal static class CheckpointSettings
{
    /// <summary>Between the fingerprint's base (experiment, declaration hash, method) and the recorded settings.</summary>
    public const string Separator = " | ";

    /// <summary>The record of a run of <paramref name="definition"/>, as the fingerprint's suffix (starting with the separator).</summary>
    public static string Describe(ExperimentDefinition definition) =>
        Separator + string.Join(" ", RunSettings.All.Where(s => s.IsRecordedFor(definition)).Select(s => $"{s.Option}={s.Read(definition)}"));

    /// <summary>Whether <paramref name="fingerprint"/> carries a settings record (checkpoints written before it was added do not).</summary>
    public static bool IsRecorded(string fingerprint) => fingerprint.Contains(Separator, StringComparison.Ordinal);

    /// <summary>
    /// Each setting that differs between a checkpoint's fingerprint and this run's, by option name (<c>optimizer</c>), in
    /// the order of <see cref="RunSettings.All"/>. Settings only one of them records are skipped: the setting that makes the
    /// difference (optimizer, decay) is listed itself.
    /// </summary>
    public static IReadOnlyList<(string Option, string Checkpoint, string Now)> Differences(string recorded, string current)
    {
        var then = Read(recorded);
        return Read(current).Where(setting => then.TryGetValue(setting.Key, out var old) && old != setting.Value)
            .Select(setting => (setting.Key, then[setting.Key], setting.Value))
            .ToList();
    }

    /// <summary><paramref name="definition"/> with every setting <paramref name="fingerprint"/> records (none for a checkpoint without a record).</summary>
    public static ExperimentDefinition Restore(ExperimentDefinition definition, string fingerprint) => RunSettings.Restore(definition, Read(fingerprint));

    /// <summary>The recorded settings, by option, in their order.</summary>
    private static IReadOnlyDictionary<string, string> Read(string fingerprint)
    {
        var settings = new OrderedDictionary<string, string>();
        var at = fingerprint.IndexOf(Separator, StringComparison.Ordinal);
        if (at < 0) return settings;
        foreach (var pair in fingerprint[(at + Separator.Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (pair.Split('=', 2) is [var option, var value]) settings[option] = value;
        return settings;
    }
}
