using static TorchSharp.torch;

namespace FofaDsl.Hosting;

/// <summary>What every verb runs with: the experiment with the command line's overrides applied, the options, the device and where to write.</summary>
/// <param name="Experiment">The declaration with every override applied.</param>
/// <param name="Options">The parsed command line.</param>
/// <param name="Device">The resolved device.</param>
/// <param name="Output">Standard output (or a test's writer).</param>
/// <param name="Cancellation">Stops training between steps.</param>
internal sealed record CommandContext(ExperimentDefinition Experiment, RunOptions Options, Device Device, TextWriter Output, CancellationToken Cancellation)
{
    /// <summary>The run's output folder: <c>--out</c>, else the declared one, else <c>runs/&lt;experiment&gt;</c>.</summary>
    public string OutputDirectory => Experiment.OutputDirectory ?? Path.Combine("runs", Experiment.Name);
}
