namespace FofaDsl.Training;

/// <summary>A loss term became NaN or infinite; the run stops before the optimizer applies it.</summary>
public sealed class NonFiniteLossException(string method, int epoch, long step, string term, double value)
    : Exception($"{method}: loss term '{term}' is {value} at epoch {epoch}, step {step} (numbered from 1, as in steps-<method>.csv). Nothing was updated by this step. " +
                "Lower the learning rate, raise warm-up, or check the inputs (a constant or corrupt batch) and that term's weight.")
{
    /// <summary>The loss term that went non-finite.</summary>
    public string Term { get; } = term;

    /// <summary>The global optimizer step, counted from 1 as <c>steps-&lt;method&gt;.csv</c> counts it.</summary>
    public long Step { get; } = step;
}
