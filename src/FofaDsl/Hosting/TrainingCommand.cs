using System.Diagnostics;
using System.Globalization;
using FofaDsl.Backbones;
using FofaDsl.Data;
using FofaDsl.Distributed;
using FofaDsl.Methods;
using FofaDsl.Reporting;
using FofaDsl.Training;
using TorchSharp;
using FofaDsl.Platform;
using static TorchSharp.torch;

namespace FofaDsl.Hosting;

/// <summary>
/// <c>compare</c>, <c>train</c> and <c>resume</c>: the teacher when a selected method needs one, then each
/// selected method, with checkpoints, student exports, per-epoch and per-step metrics and curves;
/// <c>compare</c> also prints and saves the results table.
/// </summary>
internal static class TrainingCommand
{
    public static void Run(CommandContext context)
    {
        var experiment = context.Experiment;
        var options = context.Options;
        var outputDirectory = context.OutputDirectory;
        var command = options.Command;
        var methods = options.SelectMethods(experiment);
        if (command == "resume")
        {
            // The verb continues whatever ran in --out: its framing and, unless --methods says otherwise, its methods.
            var previous = context.Resumed ?? throw new FileNotFoundException(
                $"Nothing to resume in '{outputDirectory}': it has no manifest.json. Start the run with train or compare, or pass the --out of the run to continue.",
                Path.Combine(outputDirectory, "manifest.json"));
            command = previous.Command;
            if (options.Methods is null && previous.Methods is not null)
                methods = (options with { Methods = previous.Methods }).SelectMethods(experiment);
        }
        // A resume of compare --seeds runs the same seeds again, finished runs being read back from their checkpoints.
        var seeds = options.Seeds ?? (options.Resume && options.Seed is null ? context.Resumed?.Seeds : null);
        // The teacher (and every file of the run that is not per seed) goes with the first seed.
        if (seeds is not null) experiment = experiment with { Seed = seeds[0] };
        options = options with { Command = command, Methods = methods.Select(m => m.Name).ToList(), Seeds = seeds };
        context = context with { Experiment = experiment, Options = options };
        if (options.Resume) EnsureResumable(experiment, outputDirectory, methods, seeds);
        RequireTeacherAndWeights(experiment, methods, outputDirectory, options.Resume);

        // Under several ranks, rank 0 alone prepares and writes the folder (the others print nothing: see ExperimentHost).
        var world = Communicator.World;
        CreateOutputDirectory(outputDirectory);
        // One run per folder: a second process (or job) is refused before it writes anything.
        using var folderLock = world.IsRoot ? RunFolderLock.Acquire(outputDirectory) : null;
        var (train, test) = ExperimentData.Load(experiment.Data);
        var display = ProgressDisplay.For(context.Output);
        var output = display.Output;
        // A crash (or a full disk) can leave temporary files behind; the finished files beside them are complete.
        var stale = world.IsRoot ? AtomicFile.RemoveStale(outputDirectory) : [];
        if (stale.Count > 0)
            output.WriteLine($"removed {stale.Count} unfinished temporary file(s) an earlier run left: {string.Join(", ", stale.Select(f => Path.GetRelativePath(outputDirectory, f)))}");
        // Said only once the checkpoints accepted them, and only for the settings that are not the declaration's.
        if (context.Adopted.Count > 0) output.WriteLine($"resume: continuing with the run's {string.Join(" ", context.Adopted)}");
        output.WriteLine($"{experiment.Name}: {train.Count} training and {test.Count} held-out images ({experiment.Data.Dataset}{(experiment.Data.Path is null ? ", embedded subset" : $", {experiment.Data.Path}")}), " +
                         $"image size {experiment.Data.ImageSize}, {(seeds is null ? $"seed {experiment.Seed}" : $"seeds {string.Join(",", seeds)}")}, device {context.Device}, {torch.get_num_threads()} CPU threads; output in {outputDirectory}");
        // Given weights are loaded before the manifest is written: a file that does not fit its model is refused in
        // seconds, not after the teacher's training, and the record of the run already in --out stays as it was.
        var givenTeacher = LoadGivenTeacher(experiment, methods);
        CheckStudentWeights(experiment);
        // Every check that can refuse the run has passed: only now may a new run replace an old one (--overwrite), and never mix into it.
        if (world.IsRoot)
        {
            RunFolder.Claim(outputDirectory, options, experiment, output);
            RunManifest.Write(Path.Combine(outputDirectory, "manifest.json"), experiment, options, context.Device, context.SelfCheck);
        }
        // No rank reads the folder before rank 0 has claimed it (rank 0 ends the job if it could not).
        world.Barrier();
        if (world.Size > 1)
            output.WriteLine($"data-parallel: {world.Size} ranks, each {experiment.Schedule.BatchSize / world.Size} images of every batch of {experiment.Schedule.BatchSize}; rank 0 writes the files");

        var session = new Session(context, display, outputDirectory, train, test,
            command == "compare" && world.IsRoot ? new ResultsTable(Path.Combine(outputDirectory, $"results-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv")) : null, givenTeacher);
        display.Run(() => session.Methods(methods));
        display.Output.Flush();
    }

    /// <summary>The folder of a method's (or the teacher's) <c>last.ckpt</c> and <c>best.ckpt</c>.</summary>
    private static string CheckpointFolder(string outputDirectory, string name) => Path.Combine(outputDirectory, "checkpoints", name);

    /// <summary>
    /// The name of a method's files (checkpoint folder, student export, metrics): the method's own, or under
    /// <c>compare --seeds</c> the method and the seed, e.g. <c>kd-seed12</c>.
    /// </summary>
    internal static string RunName(string method, int? seed) =>
        seed is { } s ? string.Create(CultureInfo.InvariantCulture, $"{method}-seed{s}") : method;

    /// <summary>
    /// Refuses, before the manifest or any checkpoint is written, to resume a checkpoint this run would continue under
    /// other settings (a changed optimizer, augmentation, learning rate, ...), naming each: see <see cref="MethodCheckpoint.EnsureResumable"/>.
    /// The run's recorded settings were adopted already (<see cref="RunRecord.Restore"/>), so what differs was given on this command line.
    /// </summary>
    private static void EnsureResumable(ExperimentDefinition experiment, string outputDirectory, IReadOnlyList<MethodDefinition> methods, IReadOnlyList<int>? seeds)
    {
        var runs = (seeds ?? [experiment.Seed]).SelectMany(seed => methods.Select(m => (Method: m.Name, File: RunName(m.Name, seeds is null ? null : seed), Seed: seed))).ToList();
        // The teacher's checkpoint is continued only while no trained or given teacher replaces it. Its schedule
        // differs from the students' in epochs alone, which the check leaves free.
        if (methods.Any(m => m.NeedsTeacher) && experiment.TeacherWeights is null && !File.Exists(Path.Combine(outputDirectory, "teacher.safetensors")))
            runs.Insert(0, (MethodCheckpoint.TeacherMethod, MethodCheckpoint.TeacherMethod, experiment.Seed));
        foreach (var (method, file, seed) in runs)
        {
            var last = Path.Combine(CheckpointFolder(outputDirectory, file), "last.ckpt");
            if (File.Exists(last)) MethodCheckpoint.EnsureResumable(experiment with { Seed = seed }, method, experiment.Schedule, last);
        }
    }

    /// <summary>
    /// Refuses, before anything is written, a teacher or student weights file that is not there, and a teacher that could
    /// be neither loaded nor trained: a mistyped option must not replace the record of the run already in <c>--out</c>
    /// (which <c>resume</c> continues) and then fail.
    /// </summary>
    private static void RequireTeacherAndWeights(ExperimentDefinition experiment, IReadOnlyList<MethodDefinition> methods, string outputDirectory, bool resume)
    {
        var needsTeacher = methods.Any(m => m.NeedsTeacher);
        if (needsTeacher && experiment.TeacherWeights is null && experiment.TeacherEpochs <= 0
            && !(resume && File.Exists(Path.Combine(outputDirectory, "teacher.safetensors"))))
            throw new UsageException($"The methods that distil ({string.Join(", ", methods.Where(m => m.NeedsTeacher).Select(m => m.Name))}) need a teacher, " +
                                        "trained (--teacher-epochs > 0) or loaded (--teacher-weights FILE). Nothing was written.");
        if (needsTeacher && experiment.TeacherWeights is { } teacher && InputFile.Problem(teacher) is { } teacherProblem)
            throw new FileNotFoundException(
                $"Teacher weights '{teacher}' (--teacher-weights, or Weights on [Teacher]) {teacherProblem}. Pass the path of a saved teacher " +
                "(e.g. a run's teacher.safetensors), or leave the option out to train the teacher. Nothing was written.", teacher);
        if (experiment.StudentWeights is { } student && InputFile.Problem(student) is { } studentProblem)
            throw new FileNotFoundException(
                $"Student weights '{student}' (--student-weights, or Weights on [Student]) {studentProblem}. Pass the path of the weights to start from, " +
                "or leave the option out to start from a random initialisation. Nothing was written.", student);
    }

    /// <summary>Creates the run's folder, or says which folder could not be created and why (the system's own message names neither).</summary>
    private static void CreateOutputDirectory(string outputDirectory)
    {
        try
        {
            Directory.CreateDirectory(outputDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot create the output folder '{outputDirectory}' ({e.Message.TrimEnd('.')}). Pass --out with a folder you can write to.", e);
        }
    }

    /// <summary>The teacher with the given weights (<c>--teacher-weights</c> or the declaration's) when a selected method distils; else null.</summary>
    private static StagedBackbone? LoadGivenTeacher(ExperimentDefinition experiment, IReadOnlyList<MethodDefinition> methods)
    {
        if (experiment.TeacherWeights is not { } weights || experiment.CreateTeacher is null || !methods.Any(m => m.NeedsTeacher)) return null;
        torch.manual_seed(experiment.Seed);
        var teacher = experiment.CreateTeacher();
        try
        {
            ModelWeights.Load(teacher, weights);
            return teacher;
        }
        catch
        {
            teacher.Dispose();
            throw;
        }
    }

    /// <summary>Loads the given student weights into a throwaway student, so that weights that do not fit fail before any training.</summary>
    private static void CheckStudentWeights(ExperimentDefinition experiment)
    {
        if (experiment.StudentWeights is not { } weights) return;
        using var student = experiment.CreateStudent();
        ModelWeights.LoadInitialisation(student, weights);
    }

    /// <summary>One training run over the selected methods.</summary>
    private sealed class Session(CommandContext context, ProgressDisplay display, string outputDirectory, ImageDataset train, ImageDataset test, ResultsTable? table,
                                 StagedBackbone? givenTeacher)
    {
        private readonly ExperimentDefinition experiment = context.Experiment;
        private TextWriter Output => display.Output;

        /// <summary>Whether this process writes the run's files: always, except on the ranks other than 0 of a data-parallel job.</summary>
        private static bool Writes => Communicator.World.IsRoot;

        public void Methods(IReadOnlyList<MethodDefinition> methods)
        {
            using var report = Writes ? new RunReport(outputDirectory) : null;
            // The teacher is trained (or loaded) once, and only when a selected method distils from it.
            var teacher = methods.Any(m => m.NeedsTeacher) ? PrepareTeacher(report) : null;
            var seeds = context.Options.Seeds;
            // Several seeds: differences are taken from the run without a teacher (scratch), seed by seed.
            var comparison = seeds is null ? null : new SeedComparison(methods.FirstOrDefault(m => !m.NeedsTeacher)?.Name);

            foreach (var seed in seeds ?? [experiment.Seed])
            {
                // Seed-major: each seed's comparison is complete before the next seed starts.
                var seeded = experiment with { Seed = seed };
                foreach (var method in methods)
                {
                    var run = RunName(method.Name, seeds is null ? null : seed);
                    torch.manual_seed(seed);
                    var student = seeded.CreateStudent();
                    if (seeded.StudentWeights is { } initial) ModelWeights.LoadInitialisation(student, initial);
                    var step = method.CreateStep(new MethodContext(method.NeedsTeacher ? teacher : null, student, train.Count));
                    var result = Train(step, seeded, seeded.Schedule, method.Name, run);
                    report?.Add(run, Label(step.MethodName, method.Name, run), result);
                    // Student-only export for deployment: PyTorch-readable, timm/torchvision parameter names.
                    var export = Path.Combine(outputDirectory, $"student-{run}.safetensors");
                    if (Writes) ModelWeights.Save(student, export);
                    comparison?.Add(method.Name, seed, result.TestTop1);
                    if (table is not null)
                    {
                        table.Add($"student {experiment.StudentDescription}", step.MethodName, seed, result.TestTop1, result.WallTime);
                        Output.WriteLine();
                        Output.Write(table);
                        Output.WriteLine();
                    }
                    else
                    {
                        Output.WriteLine(Summary(run, result, $"student in {export}"));
                    }
                }
                if (comparison is not null && Writes) Summarise(comparison, seed);
            }
            report?.SavePlots();
            Output.WriteLine($"curves: {Path.Combine(outputDirectory, "accuracy.png")}, loss-<method>.png; metrics-<method>.csv, steps-<method>.csv; TensorBoard: {Path.Combine(outputDirectory, "tensorboard")}");
        }

        /// <summary>
        /// A run's label with its seeded name: <c>kd (Logit KD)</c> trained as <c>kd-seed12</c> is shown as
        /// <c>kd-seed12 (Logit KD)</c>, so that the seeds' curves can be told apart.
        /// </summary>
        private static string Label(string label, string method, string run) =>
            run != method && label.StartsWith(method + " (", StringComparison.Ordinal) ? run + label[method.Length..] : label;

        /// <summary>Prints the comparison over the seeds run so far and writes it to <c>seeds-summary.csv</c>.</summary>
        private void Summarise(SeedComparison comparison, int lastSeed)
        {
            var path = Path.Combine(outputDirectory, "seeds-summary.csv");
            comparison.WriteCsv(path);
            Output.WriteLine();
            var difference = comparison.Reference is null ? "" : $"; Δ: paired difference from {comparison.Reference}, 95 % confidence interval (Student's t over seeds)";
            Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"held-out top-1 (%) over the seeds up to {lastSeed}{difference}; also in {path}"));
            Output.Write(comparison);
            Output.WriteLine();
        }

        /// <summary>Trains one step with checkpoints in <c>checkpoints/&lt;name&gt;/</c>, progress on the display and a row per step in <c>steps-&lt;name&gt;.csv</c>.</summary>
        private TrainingResult Train(ITrainingStep step, ExperimentDefinition seeded, TrainingSchedule schedule, string method, string run)
        {
            using var steps = Writes ? new StepMetricsWriter(Path.Combine(outputDirectory, $"steps-{run}.csv")) : null;
            var loop = new TrainingLoop(schedule, seeded.Seed, seeded.Data.ImageSize, Output.WriteLine, context.Device)
            {
                CheckpointDirectory = CheckpointFolder(outputDirectory, run),
                CheckpointEverySteps = seeded.CheckpointEverySteps,
                Augmentation = seeded.Data.Augmentation,
                // The method's own name: eval and export rebuild its step from the checkpoint.
                Fingerprint = MethodCheckpoint.Fingerprint(seeded, method, schedule),
                Progress = steps is null ? null : new CompositeTrainingProgress(display.ForMethod(run), steps),
            };
            var resumeFrom = context.Options.Resume && File.Exists(loop.LastCheckpoint) ? loop.LastCheckpoint : null;
            return loop.Run(step, train, test, context.Cancellation, resumeFrom);
        }

        private StagedBackbone PrepareTeacher(RunReport? report)
        {
            if (experiment.CreateTeacher is null)
                throw new ArgumentException($"{experiment.Name} declares no teacher, so it can only run methods without one (e.g. scratch).");
            if (givenTeacher is not null) return Loaded(givenTeacher, experiment.TeacherWeights!);
            torch.manual_seed(experiment.Seed);
            var teacher = experiment.CreateTeacher();
            var trained = Path.Combine(outputDirectory, "teacher.safetensors");
            if (context.Options.Resume && File.Exists(trained))
            {
                Output.WriteLine($"resuming: the teacher was trained already ({trained})");
                ModelWeights.Load(teacher, trained);
                return Loaded(teacher, trained);
            }

            var result = Train(DistillationStep.Supervised(teacher, experiment.Weights.LabelSmoothing, "Supervised"),
                experiment, experiment.Schedule with { Epochs = experiment.TeacherEpochs }, MethodCheckpoint.TeacherMethod, MethodCheckpoint.TeacherMethod);
            if (Writes) ModelWeights.Save(teacher, trained);
            Output.WriteLine($"teacher saved to {trained} (reuse it with --teacher-weights {trained})");
            if (table is null) Output.WriteLine(Summary(MethodCheckpoint.TeacherMethod, result, $"teacher in {trained}"));
            table?.Add($"teacher {experiment.TeacherDescription}", "Supervised", experiment.Seed, result.TestTop1, result.WallTime);
            report?.Add(MethodCheckpoint.TeacherMethod, result.Method, result);
            return teacher;
        }

        /// <summary>A teacher whose weights were read from <paramref name="weights"/>: on the device, its held-out top-1 printed and tabled.</summary>
        private StagedBackbone Loaded(StagedBackbone teacher, string weights)
        {
            teacher.to(context.Device);
            var clock = Stopwatch.StartNew();
            var top1 = Evaluator.Top1(teacher, test, experiment.Schedule.BatchSize, experiment.Data.ImageSize, context.Device);
            Output.WriteLine($"teacher loaded from {weights}: {Percent("top-1", top1)}");
            table?.Add($"teacher {experiment.TeacherDescription}", "loaded", experiment.Seed, top1, clock.Elapsed);
            return teacher;
        }

        private string Summary(string name, TrainingResult result, string where)
        {
            var best = result.Epochs.Count > 0 ? result.Epochs.Max(e => e.TestTop1) : 0;
            return string.Create(CultureInfo.InvariantCulture,
                $"{name}: {Percent("top-1", result.TestTop1)} after epoch {result.Epochs.Count} (best {best * 100:F2}%), {result.WallTime.TotalSeconds:F1}s; " +
                $"checkpoints in {Path.Combine(outputDirectory, "checkpoints", name)}, {where}");
        }
    }

    /// <summary>An accuracy as the commands print it, e.g. <c>top-1 12.50%</c> (invariant culture, so scripts and tests can read it).</summary>
    internal static string Percent(string label, double fraction) => string.Create(CultureInfo.InvariantCulture, $"{label} {fraction * 100:F2}%");
}
