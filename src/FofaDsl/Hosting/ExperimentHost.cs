using System.Diagnostics;
using FofaDsl.Backbones;
using FofaDsl.Data;
using FofaDsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Hosting;

/// <summary>Runs a declared experiment from its generated <c>RunAsync(args)</c>.</summary>
public static class ExperimentHost
{
    /// <summary>Parses <paramref name="args"/>, runs the command and returns the process exit code (0 ok, 1 failed, 2 bad arguments).</summary>
    public static Task<int> RunAsync(ExperimentDefinition definition, string[] args, CancellationToken cancellation = default) =>
        Task.Run(() => Run(definition, args, Console.Out, cancellation), cancellation);

    private static int Run(ExperimentDefinition definition, string[] args, TextWriter output, CancellationToken cancellation)
    {
        RunOptions options;
        try
        {
            options = RunOptions.Parse(args);
            options.SelectMethods(definition);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(RunOptions.Usage);
            return 2;
        }
        if (options.Help)
        {
            output.WriteLine(RunOptions.Usage);
            return 0;
        }

        try
        {
            if (options.Threads is { } threads) torch.set_num_threads(threads);
            var resolved = Resolve(definition, options);
            var device = DeviceSelection.Resolve(resolved.Device);
            DeviceSelection.ConfigureMath(device, options.AllowTf32);
            if (options.Command == "check") Check(resolved, options, device, output);
            else Compare(resolved, options, device, output, cancellation);
            return 0;
        }
        catch (Exception e) when (e is DatasetFormatException or NonFiniteLossException or ArgumentException or IOException or InvalidDataException or Weights.WeightLoadException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static ExperimentDefinition Resolve(ExperimentDefinition definition, RunOptions options) => definition with
    {
        Seed = options.Seed ?? definition.Seed,
        Schedule = options.Apply(definition.Schedule),
        TeacherEpochs = options.TeacherEpochs ?? definition.TeacherEpochs,
        TeacherWeights = options.TeacherWeights ?? definition.TeacherWeights,
        StudentWeights = options.StudentWeights ?? definition.StudentWeights,
        Device = options.Device ?? definition.Device,
        OutputDirectory = options.OutputDirectory ?? definition.OutputDirectory,
        CheckpointEverySteps = options.CheckpointEverySteps ?? definition.CheckpointEverySteps,
        Data = definition.Data with
        {
            Path = options.DataPath ?? definition.Data.Path,
            TrainLimit = options.TrainLimit ?? definition.Data.TrainLimit,
        },
    };

    private static void Compare(ExperimentDefinition experiment, RunOptions options, Device device, TextWriter output, CancellationToken cancellation)
    {
        var methods = options.SelectMethods(experiment);
        var outputDirectory = experiment.OutputDirectory ?? Path.Combine("runs", experiment.Name);
        Directory.CreateDirectory(outputDirectory);
        var (train, test) = ExperimentData.Load(experiment.Data);
        output.WriteLine($"{experiment.Name}: {train.Count} training and {test.Count} held-out images ({experiment.Data.Dataset}{(experiment.Data.Path is null ? ", embedded subset" : $", {experiment.Data.Path}")}), " +
                         $"image size {experiment.Data.ImageSize}, seed {experiment.Seed}, device {device}, {torch.get_num_threads()} CPU threads; output in {outputDirectory}");

        RunManifest.Write(Path.Combine(outputDirectory, "manifest.json"), experiment, options, device);
        var table = new ResultsTable(Path.Combine(outputDirectory, $"results-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv"));
        using var report = new RunReport(outputDirectory);
        // The teacher is trained (or loaded) once, and only when a selected method distils from it.
        var teacher = methods.Any(m => m.NeedsTeacher)
            ? PrepareTeacher(experiment, options, train, test, outputDirectory, table, report, device, output, cancellation)
            : null;

        foreach (var method in methods)
        {
            torch.manual_seed(experiment.Seed);
            var student = experiment.CreateStudent();
            if (experiment.StudentWeights is { } initial) ModelWeights.LoadInitialisation(student, initial);
            var step = method.CreateStep(new MethodContext(method.NeedsTeacher ? teacher : null, student, train.Count));
            var loop = CreateLoop(experiment, experiment.Schedule, outputDirectory, method.Name, device, output);
            var result = loop.Run(step, train, test, cancellation, ResumePoint(options, loop, output));
            table.Add($"student {experiment.StudentDescription}", step.MethodName, result.TestTop1, result.WallTime);
            report.Add(method.Name, result);
            // Student-only export for deployment: PyTorch-readable, timm/torchvision parameter names.
            ModelWeights.Save(student, Path.Combine(outputDirectory, $"student-{method.Name}.safetensors"));
            output.WriteLine();
            output.Write(table);
            output.WriteLine();
        }
        report.SavePlots();
        output.WriteLine($"curves: {Path.Combine(outputDirectory, "accuracy.png")}, loss-<method>.png; metrics-<method>.csv; TensorBoard: {Path.Combine(outputDirectory, "tensorboard")}");
    }

    /// <summary>The loop for one method, checkpointing to <c>checkpoints/&lt;method&gt;/</c> under a fingerprint of experiment, method, seed and batch size.</summary>
    private static TrainingLoop CreateLoop(ExperimentDefinition experiment, TrainingSchedule schedule, string outputDirectory, string method, Device device, TextWriter output) =>
        new(schedule, experiment.Seed, experiment.Data.ImageSize, output.WriteLine, device)
        {
            CheckpointDirectory = Path.Combine(outputDirectory, "checkpoints", method),
            CheckpointEverySteps = experiment.CheckpointEverySteps,
            Augmentation = experiment.Data.Augmentation,
            Fingerprint = $"{experiment.Name} {experiment.Fingerprint} {method} seed {experiment.Seed} batch {schedule.BatchSize}",
        };

    /// <summary>With <c>--resume</c>, the method's last checkpoint when there is one.</summary>
    private static string? ResumePoint(RunOptions options, TrainingLoop loop, TextWriter output)
    {
        if (!options.Resume || loop.LastCheckpoint is null || !File.Exists(loop.LastCheckpoint)) return null;
        return loop.LastCheckpoint;
    }

    private static StagedBackbone PrepareTeacher(ExperimentDefinition experiment, RunOptions options, ImageDataset train, ImageDataset test, string outputDirectory,
        ResultsTable table, RunReport report, Device device, TextWriter output, CancellationToken cancellation)
    {
        if (experiment.CreateTeacher is null)
            throw new ArgumentException($"{experiment.Name} declares no teacher, so it can only run methods without one (e.g. scratch).");
        torch.manual_seed(experiment.Seed);
        var teacher = experiment.CreateTeacher();
        var trained = Path.Combine(outputDirectory, "teacher.safetensors");
        if (experiment.TeacherWeights is null && options.Resume && File.Exists(trained))
        {
            output.WriteLine($"resuming: the teacher was trained already ({trained})");
            experiment = experiment with { TeacherWeights = trained };
        }
        if (experiment.TeacherWeights is { } weights)
        {
            ModelWeights.Load(teacher, weights);
            teacher.to(device);
            var clock = Stopwatch.StartNew();
            var top1 = Evaluator.Top1(teacher, test, experiment.Schedule.BatchSize, experiment.Data.ImageSize, device);
            output.WriteLine($"teacher loaded from {weights}: top-1 {top1:P2}");
            table.Add($"teacher {experiment.TeacherDescription}", "loaded", top1, clock.Elapsed);
            return teacher;
        }

        if (experiment.TeacherEpochs <= 0)
            throw new ArgumentException("The teacher needs training (--teacher-epochs > 0) or weights (--teacher-weights FILE).");
        var schedule = experiment.Schedule with { Epochs = experiment.TeacherEpochs };
        var loop = CreateLoop(experiment, schedule, outputDirectory, "teacher", device, output);
        var result = loop.Run(new SupervisedStep(teacher, experiment.Weights.LabelSmoothing, "Supervised"), train, test, cancellation, ResumePoint(options, loop, output));
        var path = Path.Combine(outputDirectory, "teacher.safetensors");
        ModelWeights.Save(teacher, path);
        output.WriteLine($"teacher saved to {path} (reuse it with --teacher-weights {path})");
        table.Add($"teacher {experiment.TeacherDescription}", "Supervised", result.TestTop1, result.WallTime);
        report.Add("teacher", result);
        return teacher;
    }

    /// <summary>Builds every selected method's graph, prints each model's stage shapes and runs one step of each on a few images.</summary>
    private static void Check(ExperimentDefinition experiment, RunOptions options, Device device, TextWriter output)
    {
        torch.manual_seed(experiment.Seed);
        var teacher = experiment.CreateTeacher?.Invoke();
        var student = experiment.CreateStudent();
        var (_, test) = ExperimentData.Load(experiment.Data with { TrainLimit = 0 });
        var batch = Math.Min(4, test.Count);
        var loader = new BatchLoader(test.BalancedSubset(batch), BatchLoaderOptions.Evaluation(batch));
        var (images, labels) = loader.Epoch(0).First();
        images = ImageBatches.Resize(images.to(device), experiment.Data.ImageSize);
        labels = labels.to(device);

        foreach (var (role, model) in new[] { ("teacher", teacher), ("student", student) })
        {
            if (model is null) continue;
            model.to(device);
            output.WriteLine($"{role} {model.GetName()}: {model.parameters().Sum(p => p.numel()):N0} parameters");
            using (no_grad())
            {
                var (_, stages) = model.ForwardWithStages(images);
                for (var i = 0; i < 4; i++)
                    output.WriteLine($"  stage {i + 1}: declared {model.StageGeometries[i]}, actual [{string.Join(", ", stages[i].shape)}]");
            }
        }
        foreach (var method in options.SelectMethods(experiment))
        {
            torch.manual_seed(experiment.Seed);
            var step = method.CreateStep(new MethodContext(method.NeedsTeacher ? teacher : null, experiment.CreateStudent(), test.Count));
            step.MoveTo(device);
            step.SetTraining(true);
            // Stand-in dataset indices for methods with a per-sample memory (CRD): the check batch is the first images.
            var result = step.Compute(images, labels, arange(images.shape[0], dtype: ScalarType.Int64, device: device));
            result.Total.backward();
            output.WriteLine($"{method.Name} ({step.MethodName}): {step.TrainableParameters().Sum(p => p.numel()):N0} trainable parameters");
            foreach (var term in result.Terms) output.WriteLine($"  {term.Name}: {term.Value.item<float>():F4}");
            if (!float.IsFinite(result.Total.item<float>())) throw new NonFiniteLossException(step.MethodName, 0, 0, "total", result.Total.item<float>());
        }
        output.WriteLine("check passed");
    }
}
