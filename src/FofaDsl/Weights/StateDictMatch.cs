using static TorchSharp.torch;

namespace FofaDsl.Weights;

/// <summary>
/// The comparison of a checkpoint's tensors with a model's state dict, after renaming: which
/// tensors to copy where, and every problem that forbids copying any of them.
/// </summary>
internal sealed class StateDictMatch
{
    private StateDictMatch() { }

    /// <summary>Model tensors paired with the file tensor that overwrites them, in the model's order.</summary>
    public List<(string Name, Tensor Source, Tensor Target)> Pairs { get; } = [];

    /// <summary>Model keys the file does not provide.</summary>
    public List<string> MissingKeys { get; } = [];

    /// <summary>File keys (renamed) the model lacks, when <see cref="WeightLoadOptions.Strict"/> is set.</summary>
    public List<string> UnexpectedKeys { get; } = [];

    /// <summary>Keys on both sides with different shapes.</summary>
    public List<ShapeMismatch> ShapeMismatches { get; } = [];

    /// <summary>Model names that two or more file keys were renamed to.</summary>
    public List<string> CollidingKeys { get; } = [];

    /// <summary>File keys (renamed) dropped as classifier keys.</summary>
    public List<string> SkippedClassifierKeys { get; } = [];

    /// <summary>Model classifier keys left at their initialisation.</summary>
    public List<string> KeptInitializedKeys { get; } = [];

    /// <summary>File keys (as stored) the key map dropped.</summary>
    public List<string> DroppedKeys { get; } = [];

    /// <summary>File keys (renamed) the model lacks, when not strict.</summary>
    public List<string> IgnoredUnexpectedKeys { get; } = [];

    /// <summary>True when anything prevents loading.</summary>
    public bool HasProblems =>
        MissingKeys.Count + UnexpectedKeys.Count + ShapeMismatches.Count + CollidingKeys.Count > 0;

    /// <summary>Renames the file keys as <paramref name="options"/> say and compares them with the model's.</summary>
    public static StateDictMatch Compute(
        IReadOnlyDictionary<string, Tensor> fileTensors,
        IReadOnlyDictionary<string, Tensor> modelState,
        WeightLoadOptions options)
    {
        var match = new StateDictMatch();
        var renamed = new Dictionary<string, Tensor>(StringComparer.Ordinal);

        // Ordinal order keeps messages and reports stable whatever order the file's dictionary has.
        foreach (var fileKey in fileTensors.Keys.Order(StringComparer.Ordinal))
        {
            var name = StripFirstPrefixes(fileKey, options.StripPrefixes);
            if (options.KeyMap is { } keyMap)
            {
                var mapped = keyMap(name);
                if (mapped is null)
                {
                    match.DroppedKeys.Add(fileKey);
                    continue;
                }
                name = mapped;
            }
            if (options.SkipClassifier && IsClassifierKey(name, options.ClassifierPrefixes))
            {
                match.SkippedClassifierKeys.Add(name);
                continue;
            }
            if (!renamed.TryAdd(name, fileTensors[fileKey]) && !match.CollidingKeys.Contains(name))
                match.CollidingKeys.Add(name);
        }

        foreach (var (name, target) in modelState)
        {
            if (options.SkipClassifier && IsClassifierKey(name, options.ClassifierPrefixes))
            {
                match.KeptInitializedKeys.Add(name);
                continue;
            }
            if (!renamed.TryGetValue(name, out var source))
            {
                match.MissingKeys.Add(name);
                continue;
            }
            if (!WeightShapes.Equal(source.shape, target.shape))
            {
                match.ShapeMismatches.Add(new ShapeMismatch(name, target.shape, source.shape));
                continue;
            }
            match.Pairs.Add((name, source, target));
        }

        foreach (var name in renamed.Keys.Where(k => !modelState.ContainsKey(k)))
        {
            // A model classifier key is never in renamed when skipping, so this only sees true extras.
            (options.Strict ? match.UnexpectedKeys : match.IgnoredUnexpectedKeys).Add(name);
        }
        return match;
    }

    /// <summary>True when <paramref name="name"/> lies under one of the classifier prefixes.</summary>
    public static bool IsClassifierKey(string name, IReadOnlyList<string> classifierPrefixes) =>
        classifierPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));

    private static string StripFirstPrefixes(string key, IReadOnlyList<string> prefixes)
    {
        // Each prefix once, in order, so ["module.", "model."] unwraps a DDP-wrapped EMA model.
        foreach (var prefix in prefixes)
        {
            if (prefix.Length > 0 && key.StartsWith(prefix, StringComparison.Ordinal)) key = key[prefix.Length..];
        }
        return key;
    }
}
