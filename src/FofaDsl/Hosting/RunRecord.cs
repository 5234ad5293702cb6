using System.Globalization;
using System.Text.Json;
using FofaDsl.Training;

namespace FofaDsl.Hosting;

/// <summary>
/// What <c>manifest.json</c> recorded about the run in an output folder, which a resume continues: its verb, its
/// methods and its resolved settings (<see cref="RunSettings.All"/>: schedule and epochs, teacher epochs, data folder,
/// train limit, augmentation, seed, weights files, checkpoint cadence). The manifest is the one record that covers the teacher and every
/// method, those not started yet included; each checkpoint's own record still guards what it continues
/// (<see cref="MethodCheckpoint.EnsureResumable"/>), so a setting given on the command line that differs is refused.
/// </summary>
internal sealed class RunRecord
{
    private readonly JsonElement root;

    private RunRecord(JsonElement root, string command, IReadOnlyList<string>? methods, bool sameDeclaration)
    {
        this.root = root;
        Command = command;
        Methods = methods;
        SameDeclaration = sameDeclaration;
        Seeds = root.TryGetProperty("seeds", out var s) && s.ValueKind == JsonValueKind.Array && s.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out _))
            ? s.EnumerateArray().Select(e => e.GetInt32()).ToList() is { Count: > 0 } list ? list : null
            : null;
    }

    /// <summary>The seeds of a <c>compare --seeds</c> run, which its resume runs again; null for a one-seed run.</summary>
    public IReadOnlyList<int>? Seeds { get; }

    /// <summary>The verb the run was started with: <c>train</c> or <c>compare</c>.</summary>
    public string Command { get; }

    /// <summary>The methods the run trained, in order; null when the manifest lists none.</summary>
    public IReadOnlyList<string>? Methods { get; }

    /// <summary>Whether the run was of this experiment's declaration; settings are continued only then.</summary>
    private bool SameDeclaration { get; }

    /// <summary>
    /// The record in <paramref name="outputDirectory"/>'s <c>manifest.json</c>, or null when it has none; throws
    /// <see cref="InvalidDataException"/> naming the file when it cannot be read.
    /// </summary>
    public static RunRecord? Read(string outputDirectory, ExperimentDefinition definition)
    {
        var path = Path.Combine(outputDirectory, "manifest.json");
        if (!File.Exists(path)) return null;
        try
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(path));
            var root = manifest.RootElement.Clone();
            if (root.ValueKind != JsonValueKind.Object) throw new JsonException("it is not a JSON object");
            var command = Text(root, "command") is "train" ? "train" : "compare";
            IReadOnlyList<string>? methods = root.TryGetProperty("methods", out var m) && m.ValueKind == JsonValueKind.Array
                ? m.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : "").Where(n => n.Length > 0).ToList()
                : null;
            // A manifest of another experiment, or of an edited declaration, says nothing about this one's settings.
            var same = Text(root, "experiment") == definition.Name && Text(root, "fingerprint") == definition.Fingerprint;
            return new RunRecord(root, command, methods is { Count: > 0 } ? methods : null, same);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a readable run manifest ({e.Message}); pass --methods and use train --resume or compare --resume instead.", e);
        }
    }

    /// <summary>
    /// <paramref name="definition"/> with the run's recorded settings (the manifest's <c>settings</c>, one per
    /// <see cref="RunSettings.All"/>) in place of the declared ones, so that the command line's options apply on top of
    /// them; a setting the manifest lacks stays declared.
    /// </summary>
    public ExperimentDefinition Restore(ExperimentDefinition definition)
    {
        if (!SameDeclaration || Section("settings") is not { } settings) return definition;
        var values = new Dictionary<string, string>();
        foreach (var setting in settings.EnumerateObject())
            if (setting.Value.ValueKind == JsonValueKind.String) values[setting.Name] = setting.Value.GetString()!;
        return RunSettings.Restore(definition, values);
    }

    /// <summary>
    /// Each recorded setting this resume takes over from the run because <paramref name="options"/> does not give it
    /// and it differs from the declaration, as the option that would set it (<c>--optimizer Sgd</c>), in the order of the
    /// README's option table; empty when the run used the declared values.
    /// </summary>
    public IReadOnlyList<string> Adopted(ExperimentDefinition definition, RunOptions options)
    {
        var restored = Restore(definition);
        return RunSettings.All.Where(s => s.Given(options) is null && s.Read(restored) != s.Read(definition))
            .Select(s => $"--{s.Option} {s.Read(restored)}")
            .ToList();
    }

    private JsonElement? Section(string name) => root.TryGetProperty(name, out var section) && section.ValueKind == JsonValueKind.Object ? section : null;

    private static string? Text(JsonElement? element, string name) =>
        element is { } e && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
