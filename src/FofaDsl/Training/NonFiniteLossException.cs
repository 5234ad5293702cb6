namespace FofaDsl.Training;

/// <summary>A loss term became NaN or infinite; the run stops before the optimizer applies it.</summary>
public sealed class NonFiniteLossException(string method, int epoch, long step, string term, double value)
    : Exception($"{method}: loss term '{term}' is {value} at epoch {epoch}, step {step}. Nothing was updated by this step. " +
                "Lower the learning rate, raise warm-up, or check the inputs (a constant or corrupt batch) and that term's weight.")
{
    /// <summary>The loss term that went non-finite.</summary>
    public string Term { get; } = term;

    /// <summary>The 0-based global optimizer step.</summary>
    public long Step { get; } = step;
}
