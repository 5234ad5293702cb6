namespace FofaDsl.Platform;

/// <summary>
/// This CPU computes some of the experiment's float32 convolutions wrong (the self-check compared them with float64):
/// training would run into NaN or learn from wrong numbers, so the run stops before it starts.
/// </summary>
public sealed class ConvolutionDefectException(ConvolutionCheckReport report) : Exception(Describe(report))
{
    /// <summary>The self-check that failed.</summary>
    public ConvolutionCheckReport Report { get; } = report;

    private static string Describe(ConvolutionCheckReport report)
    {
        var shown = report.Wrong.Take(5).Select(r => $"  {r.Shape}: {r.Failures}");
        var more = report.Wrong.Count > 5 ? $"\n  ... and {report.Wrong.Count - 5} more" : "";
        return $"The self-check found {report.Wrong.Count} of the experiment's {report.Results.Count} convolution shapes computed wrong in float32 " +
               $"on this CPU, {CpuIdentity.Current}, with {TorchRuntime.Settings}:\n{string.Join("\n", shown)}{more}\n" +
               "Nothing was trained or written. Run on another machine or on a GPU (--device cuda), and report the CPU and these shapes to FofaDsl; " +
               "--skip-self-check trains anyway, at your own risk.";
    }
}
