using System.Globalization;
using System.Text.Json;
using FofaDsl.Training;

namespace FofaDsl.Hosting;

/// <summary>
/// What <c>manifest.json</c> recorded about the run in an output folder, which a resume continues: its verb, its
/// methods and its resolved settings (schedule and epochs, teacher epochs, data folder, train limit, augmentation,
/// seed, weights files, checkpoint cadence). The manifest is the one record that covers the teacher and every
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
    /// <paramref name="definition"/> with the run's recorded settings in place of the declared ones, so that the
    /// command line's options apply on top of them; a setting the manifest lacks (or an older manifest's) stays declared.
    /// </summary>
    public ExperimentDefinition Restore(ExperimentDefinition definition)
    {
        if (!SameDeclaration) return definition;
        var declared = definition.Schedule;
        var schedule = Section("schedule");
        var data = Section("data");
        return definition with
        {
            Seed = Integer(root, "seed") ?? definition.Seed,
            TeacherEpochs = Integer(root, "teacherEpochs") ?? definition.TeacherEpochs,
            TeacherWeights = Text(root, "teacherWeights") ?? definition.TeacherWeights,
            StudentWeights = Text(root, "studentWeights") ?? definition.StudentWeights,
            CheckpointEverySteps = Integer(root, "checkpointEverySteps") ?? definition.CheckpointEverySteps,
            Schedule = declared with
            {
                Epochs = Integer(schedule, "Epochs") ?? declared.Epochs,
                BatchSize = Integer(schedule, "BatchSize") ?? declared.BatchSize,
                Optimizer = Choice<OptimizerKind>(schedule, "Optimizer") ?? declared.Optimizer,
                LearningRate = Number(schedule, "LearningRate") ?? declared.LearningRate,
                MinLearningRate = Number(schedule, "MinLearningRate") ?? declared.MinLearningRate,
                WeightDecay = Number(schedule, "WeightDecay") ?? declared.WeightDecay,
                Momentum = Number(schedule, "Momentum") ?? declared.Momentum,
                WarmupEpochs = Integer(schedule, "WarmupEpochs") ?? declared.WarmupEpochs,
                Decay = Choice<LearningRateDecay>(schedule, "Decay") ?? declared.Decay,
                DecayEveryEpochs = Integer(schedule, "DecayEveryEpochs") ?? declared.DecayEveryEpochs,
                DecayFactor = Number(schedule, "DecayFactor") ?? declared.DecayFactor,
                GradientClip = Number(schedule, "GradientClip") ?? declared.GradientClip,
                EmaDecay = Number(schedule, "EmaDecay") ?? declared.EmaDecay,
            },
            Data = definition.Data with
            {
                Path = Text(data, "Path") ?? definition.Data.Path,
                TrainLimit = Integer(data, "TrainLimit") ?? definition.Data.TrainLimit,
                Augmentation = Choice<AugmentationKind>(data, "Augmentation") ?? definition.Data.Augmentation,
            },
        };
    }

    /// <summary>
    /// Each recorded setting this resume takes over from the run because <paramref name="options"/> does not give it
    /// and it differs from the declaration, as the option that would set it (<c>--optimizer Sgd</c>), in the order of the
    /// README's option table; empty when the run used the declared values.
    /// </summary>
    public IReadOnlyList<string> Adopted(ExperimentDefinition definition, RunOptions options)
    {
        var restored = Restore(definition);
        return Settings.Where(s => !s.Given(options) && s.Value(restored) != s.Value(definition))
            .Select(s => $"--{s.Option} {s.Value(restored)}")
            .ToList();
    }

    /// <summary>The settings a resume continues: option name, whether the command line gives it, its value in a definition (invariant text).</summary>
    private static readonly (string Option, Func<RunOptions, bool> Given, Func<ExperimentDefinition, string?> Value)[] Settings =
    [
        ("epochs", o => o.Epochs is not null, d => Format(d.Schedule.Epochs)),
        ("teacher-epochs", o => o.TeacherEpochs is not null, d => Format(d.TeacherEpochs)),
        ("batch-size", o => o.BatchSize is not null, d => Format(d.Schedule.BatchSize)),
        ("optimizer", o => o.Optimizer is not null, d => d.Schedule.Optimizer.ToString()),
        ("lr", o => o.LearningRate is not null, d => Format(d.Schedule.LearningRate)),
        ("min-lr", o => o.MinLearningRate is not null, d => Format(d.Schedule.MinLearningRate)),
        ("weight-decay", o => o.WeightDecay is not null, d => Format(d.Schedule.WeightDecay)),
        ("momentum", o => o.Momentum is not null, d => Format(d.Schedule.Momentum)),
        ("warmup-epochs", o => o.WarmupEpochs is not null, d => Format(d.Schedule.WarmupEpochs)),
        ("decay", o => o.Decay is not null, d => d.Schedule.Decay.ToString()),
        ("decay-every", o => o.DecayEveryEpochs is not null, d => Format(d.Schedule.DecayEveryEpochs)),
        ("decay-factor", o => o.DecayFactor is not null, d => Format(d.Schedule.DecayFactor)),
        ("grad-clip", o => o.GradientClip is not null, d => Format(d.Schedule.GradientClip)),
        ("ema-decay", o => o.EmaDecay is not null, d => Format(d.Schedule.EmaDecay)),
        ("data", o => o.DataPath is not null, d => d.Data.Path),
        ("train-limit", o => o.TrainLimit is not null, d => Format(d.Data.TrainLimit)),
        ("augmentation", o => o.Augmentation is not null, d => d.Data.Augmentation.ToString()),
        ("seed", o => o.Seed is not null, d => Format(d.Seed)),
        ("teacher-weights", o => o.TeacherWeights is not null, d => d.TeacherWeights),
        ("student-weights", o => o.StudentWeights is not null, d => d.StudentWeights),
        ("checkpoint-every", o => o.CheckpointEverySteps is not null, d => Format(d.CheckpointEverySteps)),
    ];

    private JsonElement? Section(string name) => root.TryGetProperty(name, out var section) && section.ValueKind == JsonValueKind.Object ? section : null;

    private static string? Text(JsonElement? element, string name) =>
        element is { } e && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Integer(JsonElement? element, string name) =>
        element is { } e && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : null;

    private static double? Number(JsonElement? element, string name) =>
        element is { } e && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var x) ? x : null;

    private static T? Choice<T>(JsonElement? element, string name) where T : struct, Enum =>
        Text(element, name) is { } text && Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) ? value : null;

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
