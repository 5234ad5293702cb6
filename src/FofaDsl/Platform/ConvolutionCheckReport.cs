namespace FofaDsl.Platform;

/// <summary>The self-check of a set of convolution shapes.</summary>
/// <param name="Results">One result per distinct shape.</param>
/// <param name="Elapsed">How long the probe took.</param>
public sealed record ConvolutionCheckReport(IReadOnlyList<ConvolutionProbeResult> Results, TimeSpan Elapsed)
{
    /// <summary>The shapes whose float32 results are wrong.</summary>
    public IReadOnlyList<ConvolutionProbeResult> Wrong { get; } = Results.Where(r => !r.IsRight).ToList();

    /// <summary>Whether every shape is right.</summary>
    public bool AllRight => Wrong.Count == 0;

    /// <summary>
    /// Throws <see cref="ConvolutionDefectException"/> naming the CPU, each wrong shape and the fix when a shape is wrong.
    /// </summary>
    public void ThrowIfWrong()
    {
        if (AllRight) return;
        throw new ConvolutionDefectException(this);
    }
}
