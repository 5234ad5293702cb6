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
            var device = DeviceSelection.Resolve(options.Device);
            DeviceSelection.ConfigureMath(device, options.AllowTf32);
            var resolved = Resolve(definition, options);
            if (options.Command == "check") Check(resolved, device, output);
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
        Data = definition.Data with
        {
            Path = options.DataPath ?? definition.Data.Path,
            TrainLimit = options.TrainLimit ?? definition.Data.TrainLimit,
        },
    };

    private static void Compare(ExperimentDefinition experiment, RunOptions options, Device device, TextWriter output, CancellationToken cancellation)
    {
        var outputDirectory = options.OutputDirectory ?? Path.Combine("runs", experiment.Name);
        Directory.CreateDirectory(outputDirectory);
        var (train, test) = ExperimentData.Load(experiment.Data);
        output.WriteLine($"{experiment.Name}: {train.Count} training and {test.Count} held-out images ({experiment.Data.Dataset}{(experiment.Data.Path is null ? ", embedded subset" : $", {experiment.Data.Path}")}), " +
                         $"image size {experiment.Data.ImageSize}, seed {experiment.Seed}, device {device}, {torch.get_num_threads()} CPU threads; output in {outputDirectory}");

        RunManifest.Write(Path.Combine(outputDirectory, "manifest.json"), experiment, options, device);
        var table = new ResultsTable(Path.Combine(outputDirectory, $"results-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv"));
        using var report = new RunReport(outputDirectory);
        var teacher = PrepareTeacher(experiment, options, train, test, outputDirectory, table, report, device, output, cancellation);

        foreach (var method in options.Methods)
        {
            torch.manual_seed(experiment.Seed);
            var student = experiment.CreateStudent();
            if (experiment.StudentWeights is { } initial) ModelWeights.LoadInitialisation(student, initial);
            ITrainingStep step = method switch
            {
                "scratch" => new SupervisedStep(student, experiment.Weights.LabelSmoothing),
                "kd" => Baselines.LogitBaselineStep.Kd(teacher, student, experiment.Weights),
                "dkd" => Baselines.LogitBaselineStep.Dkd(teacher, student, experiment.Weights),
                "dist" => Baselines.LogitBaselineStep.Dist(teacher, student, experiment.Weights),
                "fitnet" => new Baselines.FitNetStep(teacher, student, experiment.Weights),
                "ofa" => new Baselines.OfaStep(teacher, student, experiment.Weights),
                _ => experiment.CreateFofaStep(teacher, student),
            };
            var loop = CreateLoop(experiment, experiment.Schedule, outputDirectory, method, device, output);
            var result = loop.Run(step, train, test, cancellation, ResumePoint(options, loop, output));
            table.Add($"student {experiment.StudentDescription}", step.MethodName, result.TestTop1, result.WallTime);
            report.Add(method, result);
            // Student-only export for deployment: PyTorch-readable, timm/torchvision parameter names.
            ModelWeights.Save(student, Path.Combine(outputDirectory, $"student-{method}.safetensors"));
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

    private static void Check(ExperimentDefinition experiment, Device device, TextWriter output)
    {
        torch.manual_seed(experiment.Seed);
        var teacher = experiment.CreateTeacher();
        var student = experiment.CreateStudent();
        var step = experiment.CreateFofaStep(teacher, student);
        step.MoveTo(device);
        var (_, test) = ExperimentData.Load(experiment.Data with { TrainLimit = 0 });
        var batch = Math.Min(4, test.Count);
        var loader = new BatchLoader(test.BalancedSubset(batch), BatchLoaderOptions.Evaluation(batch));
        var (images, labels) = loader.Epoch(0).First();
        images = ImageBatches.Resize(images.to(device), experiment.Data.ImageSize);
        labels = labels.to(device);

        foreach (var (role, model) in new[] { ("teacher", teacher), ("student", student) })
        {
            output.WriteLine($"{role} {model.GetName()}: {model.parameters().Sum(p => p.numel()):N0} parameters");
            using (no_grad())
            {
                var (_, stages) = model.ForwardWithStages(images);
                for (var i = 0; i < 4; i++)
                    output.WriteLine($"  stage {i + 1}: declared {model.StageGeometries[i]}, actual [{string.Join(", ", stages[i].shape)}]");
            }
        }
        step.SetTraining(true);
        var result = step.Compute(images, labels);
        result.Total.backward();
        output.WriteLine($"trainable parameters of the FOFA step: {step.TrainableParameters().Sum(p => p.numel()):N0}");
        foreach (var term in result.Terms) output.WriteLine($"  {term.Name}: {term.Value.item<float>():F4}");
        if (!float.IsFinite(result.Total.item<float>())) throw new NonFiniteLossException(step.MethodName, 0, 0, "total", result.Total.item<float>());
        output.WriteLine("check passed");
    }
}
