using System.Diagnostics;
using System.Globalization;
using FofaDsl.Training;

namespace FofaDsl.Hosting;

/// <summary>
/// Progress as plain lines for logs: the training loop's line per epoch, plus, during long epochs, a
/// step line (position, loss, images per second, ETA) at most every <see cref="StepLineInterval"/>.
/// </summary>
internal sealed class PlainProgressDisplay(TextWriter output) : ProgressDisplay
{
    /// <summary>Least time between two step lines of a run.</summary>
    public TimeSpan StepLineInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <inheritdoc />
    public override TextWriter Output => output;

    /// <inheritdoc />
    public override void Run(Action body) => body();

    /// <inheritdoc />
    public override ITrainingProgress ForMethod(string method) => new Reporter(output, method, StepLineInterval);

    private sealed class Reporter(TextWriter output, string method, TimeSpan interval) : ITrainingProgress
    {
        private readonly Stopwatch sinceLine = new();
        private readonly Stopwatch sinceStart = new();
        private TrainingRunStart? run;

        public void RunStarted(TrainingRunStart start)
        {
            run = start;
            sinceStart.Restart();
            sinceLine.Restart();
        }

        public void StepCompleted(TrainingStepReport step)
        {
            if (run is null || sinceLine.Elapsed < interval) return;
            sinceLine.Restart();
            var done = step.Step - run.CompletedSteps;
            var left = TimeSpan.FromSeconds(sinceStart.Elapsed.TotalSeconds / Math.Max(1, done) * (run.TotalSteps - step.Step));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{method}] epoch {step.Epoch}/{run.Epochs} step {step.Step}/{run.TotalSteps}  loss {step.Total:F4}  lr {step.LearningRate:G3}  {step.ImagesPerSecond:F0} img/s  ETA {left:hh\\:mm\\:ss}"));
        }
    }
}
