using FofaDsl.Training;
using Spectre.Console;

namespace FofaDsl.Hosting;

/// <summary>
/// How a run shows its progress: live Spectre.Console progress bars (ETA, loss, top-1) when standard
/// output is a terminal, plain log lines when it is redirected (a file, a pipe, a CI log, a test).
/// </summary>
internal abstract class ProgressDisplay
{
    /// <summary>Where the host writes its own lines while the display runs.</summary>
    public abstract TextWriter Output { get; }

    /// <summary>Runs <paramref name="body"/> with the display live.</summary>
    public abstract void Run(Action body);

    /// <summary>The progress receiver of one method's training run.</summary>
    public abstract ITrainingProgress ForMethod(string method);

    /// <summary>Spectre bars when <paramref name="output"/> is the console and it is an interactive terminal; plain lines otherwise.</summary>
    public static ProgressDisplay For(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive
            ? new SpectreProgressDisplay()
            : new PlainProgressDisplay(output);
}
