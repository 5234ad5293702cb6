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
    public string OutputDirectory => OutputFolder(Experiment);

    /// <summary>The manifest of the run a resume continues (its verb, methods and settings), or null.</summary>
    public RunRecord? Resumed { get; init; }

    /// <summary>The recorded settings a resume took over from the run (e.g. <c>--optimizer Sgd</c>) where they differ from the declaration.</summary>
    public IReadOnlyList<string> Adopted { get; init; } = [];

    /// <summary>The start-up self-check's result (or why it was skipped), recorded in the manifest; null for verbs that compute nothing.</summary>
    public string? SelfCheck { get; init; }

    /// <summary>The output folder of <paramref name="experiment"/>: its (overridden) one, else <c>runs/&lt;experiment&gt;</c>.</summary>
    public static string OutputFolder(ExperimentDefinition experiment) => experiment.OutputDirectory ?? Path.Combine("runs", experiment.Name);
}
