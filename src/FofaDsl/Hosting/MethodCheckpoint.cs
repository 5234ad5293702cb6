using FofaDsl.Methods;
using FofaDsl.Training;
using TorchSharp;
using FofaDsl.Platform;

namespace FofaDsl.Hosting;

/// <summary>
/// Ties training checkpoints to the experiment and method that wrote them, and rebuilds a method's
/// step from one (for <c>eval</c> and <c>export</c>).
/// </summary>
internal static class MethodCheckpoint
{
    /// <summary>The name the teacher's training run checkpoints under (<c>checkpoints/teacher/</c>).</summary>
    public const string TeacherMethod = "teacher";

    /// <summary>
    /// The fingerprint a method's checkpoints carry: experiment, its declaration hash and the method, then the resolved
    /// settings the run's steps depend on, <paramref name="schedule"/>'s among them (see <see cref="CheckpointSettings"/>).
    /// </summary>
    public static string Fingerprint(ExperimentDefinition experiment, string method, TrainingSchedule schedule) =>
        $"{experiment.Name} {experiment.Fingerprint} {method}" + CheckpointSettings.Describe(experiment with { Schedule = schedule });

    /// <summary>
    /// Checks, before anything is written, that the run <paramref name="method"/> of <paramref name="experiment"/> with
    /// <paramref name="schedule"/> may continue <paramref name="path"/>: a checkpoint of another experiment or method is refused
    /// (<see cref="InvalidDataException"/>), one trained with other settings too (<see cref="UsageException"/>, naming each
    /// differing option with both values). Only reads the file.
    /// </summary>
    public static void EnsureResumable(ExperimentDefinition experiment, string method, TrainingSchedule schedule, string path)
    {
        var (written, state) = Identify(experiment, path);
        if (written != method)
            throw new InvalidDataException($"Checkpoint '{path}' holds method '{written}', not '{method}'. Move it to checkpoints/{written}/, or start the run again. The file was left as it is.");
        var expected = Fingerprint(experiment, method, schedule);
        if (state.Fingerprint == expected) return;
        var differences = CheckpointSettings.Differences(state.Fingerprint, expected);
        if (!CheckpointSettings.IsRecorded(state.Fingerprint) || differences.Count == 0)
            throw new UsageException($"Cannot resume '{path}': it was written by an earlier FofaDsl that did not record its training settings ('{state.Fingerprint}'). " +
                                     "Start the run again (without --resume, or in another --out). The checkpoint was left as it is.");
        string Options(Func<(string Option, string Checkpoint, string Now), string> value) => string.Join(" ", differences.Select(d => $"--{d.Option} {value(d)}"));
        throw new UsageException($"Cannot resume '{path}' ({method}): it was trained with {Options(d => d.Checkpoint)}, and this run has {Options(d => d.Now)}. " +
                                 "Pass the checkpoint's values (an option left out takes the value in --out's manifest.json, which the last run there wrote), or start afresh (without --resume, or in another --out). " +
                                 "The checkpoint was left as it is.");
    }

    /// <summary>
    /// The method whose run wrote <paramref name="path"/> and its position, after checking that the file is
    /// intact and was written by this experiment's declaration; throws <see cref="InvalidDataException"/>
    /// naming both otherwise. Only reads the file.
    /// </summary>
    public static (string Method, CheckpointState State) Identify(ExperimentDefinition experiment, string path)
    {
        var state = TrainingCheckpoint.Peek(path);
        var prefix = $"{experiment.Name} {experiment.Fingerprint} ";
        var end = state.Fingerprint.IndexOf(CheckpointSettings.Separator, StringComparison.Ordinal);
        var method = !state.Fingerprint.StartsWith(prefix, StringComparison.Ordinal) ? ""
            : end < 0 ? state.Fingerprint[prefix.Length..] : end > prefix.Length ? state.Fingerprint[prefix.Length..end] : "";
        // Before the settings table, checkpoints wrote "<method> seed S batch B" here; run names have no spaces.
        if (method.IndexOf(' ', StringComparison.Ordinal) is var space and > 0) method = method[..space];
        if (method.Length == 0)
            throw new InvalidDataException($"Checkpoint '{path}' belongs to '{state.Fingerprint}', not to experiment {experiment.Name} (declaration fingerprint {experiment.Fingerprint}). " +
                                           "Use it with the program of the experiment that wrote it, or pass a checkpoint of this one. The file was left as it is.");
        return (method, state);
    }

    /// <summary>
    /// Builds the step of the method that wrote <paramref name="path"/> (a fresh, untrained teacher stands in where the
    /// method needs one: neither evaluation nor export uses it, and it stays on the CPU), restores the checkpoint into it
    /// and, with a model EMA, makes the average the student's weights (what the run evaluated). The step is in eval mode,
    /// its stateful modules on the context's device.
    /// </summary>
    public static RestoredStep Restore(CommandContext context, string path, string? expectedMethod, int trainingSamples)
    {
        var experiment = context.Experiment;
        if (InputFile.Problem(path) is { } problem)
            throw new FileNotFoundException($"Checkpoint '{path}' {problem}. Train the method first (train or compare with this --out), " +
                                            "or pass --checkpoint with a run's checkpoints/<method>/best.ckpt or last.ckpt.", path);
        var (method, state) = Identify(experiment, path);
        if (expectedMethod is not null && expectedMethod != method)
            throw new UsageException($"--method {expectedMethod} does not match checkpoint '{path}', which holds method '{method}'. Drop --method, or pass a checkpoint of {expectedMethod}.");

        torch.manual_seed(experiment.Seed);
        var step = CreateStep(experiment, method, trainingSamples);
        // The checkpoint holds the stateful modules (student, the method's own); only they go to the device, so the
        // stand-in teacher costs no GPU memory.
        foreach (var module in step.StatefulModules) module.to(context.Device);
        // The optimizer and EMA of the run that wrote the checkpoint, whatever this command line overrides.
        var schedule = CheckpointSettings.Restore(experiment, state.Fingerprint).Schedule;
        using (var optimizer = TrainingLoop.CreateOptimizer(schedule, step.TrainableParameters()))
        using (var ema = schedule.EmaDecay > 0 ? new ModelEma(step.Student, schedule.EmaDecay) : null)
        {
            TrainingCheckpoint.Load(path, state.Fingerprint, step, optimizer, ema);
            ema?.CopyToModel();
        }
        step.SetTraining(false);
        return new RestoredStep(method, step, state);
    }

    private static ITrainingStep CreateStep(ExperimentDefinition experiment, string method, int trainingSamples)
    {
        if (method == TeacherMethod)
        {
            var teacher = experiment.CreateTeacher?.Invoke() ?? throw new InvalidDataException($"The checkpoint is a teacher's, but {experiment.Name} declares no teacher.");
            return DistillationStep.Supervised(teacher, experiment.Weights.LabelSmoothing, "Supervised");
        }
        var definition = experiment.FindMethod(method)
            ?? throw new InvalidDataException($"The checkpoint holds method '{method}', which {experiment.Name} does not declare ({string.Join(", ", experiment.Methods.Select(m => m.Name))}).");
        var teacherForStep = definition.NeedsTeacher ? experiment.CreateTeacher?.Invoke() : null;
        return definition.CreateStep(new MethodContext(teacherForStep, experiment.CreateStudent(), trainingSamples));
    }
}

/// <summary>A method's step restored from a checkpoint.</summary>
/// <param name="Method">The method's command-line name (or <c>teacher</c>).</param>
/// <param name="Step">The step, in eval mode, holding the checkpoint's weights.</param>
/// <param name="State">The checkpoint's position and history.</param>
internal sealed record RestoredStep(string Method, ITrainingStep Step, CheckpointState State) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        // A step that is a module owns its student; otherwise the student is disposed on its own.
        if (Step is IDisposable disposable) disposable.Dispose();
        else Step.Student.Dispose();
    }
}
