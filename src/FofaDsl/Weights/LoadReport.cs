namespace FofaDsl.Weights;

/// <summary>What <see cref="PretrainedWeights.Load"/> did to a model.</summary>
public sealed record LoadReport
{
    /// <summary>The checkpoint that was read.</summary>
    public required string FilePath { get; init; }

    /// <summary>The format detected from the file's first bytes.</summary>
    public required WeightFileFormat Format { get; init; }

    /// <summary>Model state-dict names whose tensors were overwritten from the file.</summary>
    public required IReadOnlyList<string> LoadedKeys { get; init; }

    /// <summary>How many tensors were copied into the model.</summary>
    public int LoadedCount => LoadedKeys.Count;

    /// <summary>File keys dropped because <see cref="WeightLoadOptions.SkipClassifier"/> is set (names after renaming).</summary>
    public required IReadOnlyList<string> SkippedClassifierKeys { get; init; }

    /// <summary>Model keys left at their initialisation because they belong to the classifier being skipped.</summary>
    public required IReadOnlyList<string> KeptInitializedKeys { get; init; }

    /// <summary>File keys (as stored) that <see cref="WeightLoadOptions.KeyMap"/> dropped by returning null.</summary>
    public required IReadOnlyList<string> DroppedKeys { get; init; }

    /// <summary>File keys the model lacks, ignored because <see cref="WeightLoadOptions.Strict"/> is false.</summary>
    public required IReadOnlyList<string> IgnoredUnexpectedKeys { get; init; }
}
