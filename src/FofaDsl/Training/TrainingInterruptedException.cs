namespace FofaDsl.Training;

/// <summary>
/// Training was cancelled between two steps (Ctrl-C, SIGTERM or the caller's token); the last checkpoint was written
/// first, so <c>resume</c> continues exactly where it stopped.
/// </summary>
/// <param name="method">The method that was training.</param>
/// <param name="epoch">The epoch it was in, from 1.</param>
/// <param name="step">Optimizer steps completed, as <c>steps-&lt;method&gt;.csv</c> counts them.</param>
/// <param name="checkpoint">The checkpoint that holds the run up to there, or null when the loop writes none.</param>
/// <param name="cancellation">The token that was cancelled.</param>
public sealed class TrainingInterruptedException(string method, int epoch, long step, string? checkpoint, CancellationToken cancellation)
    : OperationCanceledException($"{method} stopped after step {step} (epoch {epoch}){(checkpoint is null ? "" : $"; {checkpoint} holds the run up to there")}.", cancellation)
{
    /// <summary>The method that was training.</summary>
    public string Method { get; } = method;

    /// <summary>The epoch it was in, from 1.</summary>
    public int Epoch { get; } = epoch;

    /// <summary>Optimizer steps completed.</summary>
    public long Step { get; } = step;

    /// <summary>The checkpoint written at the interruption, or null.</summary>
    public string? Checkpoint { get; } = checkpoint;
}
