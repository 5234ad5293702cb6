using System.Globalization;
using System.Text;
using FofaDsl.Training;
using Spectre.Console;

namespace FofaDsl.Hosting;

/// <summary>
/// Live Spectre.Console progress: one bar per training run with its percentage, ETA and a description
/// that follows the latest loss and held-out top-1. The host's lines are written above the bars.
/// </summary>
internal sealed class SpectreProgressDisplay : ProgressDisplay
{
    private ProgressContext? context;

    /// <inheritdoc />
    public override TextWriter Output { get; } = new ConsoleLineWriter();

    /// <inheritdoc />
    public override void Run(Action body) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new RemainingTimeColumn(), new SpinnerColumn())
            .Start(live =>
            {
                context = live;
                try
                {
                    body();
                }
                finally
                {
                    context = null;
                }
            });

    /// <inheritdoc />
    public override ITrainingProgress ForMethod(string method) =>
        new Reporter(context ?? throw new InvalidOperationException("Progress is reported only inside Run."), method);

    private sealed class Reporter(ProgressContext context, string method) : ITrainingProgress
    {
        private ProgressTask? task;
        private int epochs;
        private double? top1;

        public void RunStarted(TrainingRunStart run)
        {
            epochs = run.Epochs;
            task = context.AddTask(Markup.Escape($"{method} epoch {Math.Min(run.Epochs, run.CompletedSteps / Math.Max(1, run.StepsPerEpoch) + 1)}/{run.Epochs}"),
                maxValue: Math.Max(1, run.TotalSteps));
            task.Value = run.CompletedSteps;
            if (run.CompletedSteps >= run.TotalSteps) task.StopTask();
        }

        public void StepCompleted(TrainingStepReport step)
        {
            if (task is null) return;
            task.Value = step.Step;
            var accuracy = top1 is { } value ? string.Create(CultureInfo.InvariantCulture, $"  top-1 {value * 100:F2}%") : "";
            task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{method} epoch {step.Epoch}/{epochs}  loss {step.Total:F4}{accuracy}  {step.ImagesPerSecond:F0} img/s"));
        }

        public void EpochCompleted(string stepMethod, EpochReport epoch) => top1 = epoch.TestTop1;
    }

    /// <summary>Hands complete lines to Spectre, which prints them above the live bars.</summary>
    private sealed class ConsoleLineWriter : TextWriter
    {
        private readonly StringBuilder line = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            if (value == '\r') return;
            if (value != '\n')
            {
                line.Append(value);
                return;
            }
            AnsiConsole.Console.WriteLine(line.ToString());
            line.Clear();
        }

        public override void Flush()
        {
            if (line.Length == 0) return;
            AnsiConsole.Console.WriteLine(line.ToString());
            line.Clear();
        }
    }
}
