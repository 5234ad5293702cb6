namespace FofaDsl.Weights;

/// <summary>
/// A checkpoint could not be loaded: the file is unreadable, or its names and shapes do not fit the
/// model. The message lists every problem at once with the fix; the model is left unchanged.
/// </summary>
public sealed class WeightLoadException : Exception
{
    /// <summary>A failure that is not about keys (unreadable or unknown file).</summary>
    /// <param name="message">What went wrong and how to fix it, naming the file.</param>
    /// <param name="filePath">The checkpoint, when known.</param>
    /// <param name="innerException">The reader's own error, when there is one.</param>
    public WeightLoadException(string message, string? filePath = null, Exception? innerException = null)
        : base(message, innerException)
    {
        FilePath = filePath;
    }

    internal WeightLoadException(string message, string filePath, StateDictMatch match)
        : base(message)
    {
        FilePath = filePath;
        MissingKeys = match.MissingKeys;
        UnexpectedKeys = match.UnexpectedKeys;
        ShapeMismatches = match.ShapeMismatches;
        CollidingKeys = match.CollidingKeys;
    }

    /// <summary>The checkpoint that failed to load, when known.</summary>
    public string? FilePath { get; }

    /// <summary>Model keys the file does not provide.</summary>
    public IReadOnlyList<string> MissingKeys { get; } = [];

    /// <summary>File keys (after renaming) the model does not have.</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; } = [];

    /// <summary>Keys present on both sides with different shapes.</summary>
    public IReadOnlyList<ShapeMismatch> ShapeMismatches { get; } = [];

    /// <summary>Model names that two or more file keys were renamed to.</summary>
    public IReadOnlyList<string> CollidingKeys { get; } = [];
}
