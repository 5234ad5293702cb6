using System.Globalization;

namespace FofaDsl.Hosting;

/// <summary>
/// One resolved setting of a run, under the name of the command-line option that sets it (<c>lr</c>): the value a command
/// line gives (if any), its value in a resolved declaration as invariant text, how such text is put back, and whether a
/// method's checkpoints record it (a setting the run does not use, like SGD's momentum under AdamW, is left out so
/// that changing it does not block a resume). <see cref="RunSettings.All"/> lists every one once.
/// </summary>
/// <param name="Option">The option's name without dashes, e.g. <c>lr</c>.</param>
/// <param name="Given">The value <see cref="RunOptions"/> gives, as invariant text; null when the command line does not give it.</param>
/// <param name="Read">Its value in a resolved declaration (invariant text; null for an unset path).</param>
/// <param name="Write">The declaration with the value of the text put back; the declaration unchanged for text that does not parse.</param>
/// <param name="Recorded">Whether a checkpoint of a run of this declaration records it (null: never).</param>
internal sealed record RunSetting(
    string Option,
    Func<RunOptions, string?> Given,
    Func<ExperimentDefinition, string?> Read,
    Func<ExperimentDefinition, string, ExperimentDefinition> Write,
    Func<ExperimentDefinition, bool>? Recorded = null)
{
    /// <summary>Whether checkpoints of <paramref name="definition"/>'s runs record this setting.</summary>
    public bool IsRecordedFor(ExperimentDefinition definition) => Recorded?.Invoke(definition) ?? false;

    /// <summary>A whole-number setting.</summary>
    public static RunSetting Integer(string option, Func<RunOptions, int?> given, Func<ExperimentDefinition, int> read,
        Func<ExperimentDefinition, int, ExperimentDefinition> write, Func<ExperimentDefinition, bool>? recorded = null) =>
        new(option, o => given(o)?.ToString(CultureInfo.InvariantCulture), d => read(d).ToString(CultureInfo.InvariantCulture),
            (d, text) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? write(d, value) : d, recorded);

    /// <summary>A real-number setting, written round-trip (<c>R</c>) so that a restored value is the same double.</summary>
    public static RunSetting Number(string option, Func<RunOptions, double?> given, Func<ExperimentDefinition, double> read,
        Func<ExperimentDefinition, double, ExperimentDefinition> write, Func<ExperimentDefinition, bool>? recorded = null) =>
        new(option, o => given(o)?.ToString("R", CultureInfo.InvariantCulture), d => read(d).ToString("R", CultureInfo.InvariantCulture),
            (d, text) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? write(d, value) : d, recorded);

    /// <summary>A setting that is a member of <typeparamref name="T"/>, by name.</summary>
    public static RunSetting Choice<T>(string option, Func<RunOptions, T?> given, Func<ExperimentDefinition, T> read,
        Func<ExperimentDefinition, T, ExperimentDefinition> write, Func<ExperimentDefinition, bool>? recorded = null) where T : struct, Enum =>
        new(option, o => given(o)?.ToString(), d => read(d).ToString(),
            (d, text) => Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) ? write(d, value) : d, recorded);

    /// <summary>A path (or other text) setting; null when unset.</summary>
    public static RunSetting Text(string option, Func<RunOptions, string?> given, Func<ExperimentDefinition, string?> read,
        Func<ExperimentDefinition, string, ExperimentDefinition> write) =>
        new(option, given, read, write);
}
