using System.Globalization;
using FofaDsl.Training;

namespace FofaDsl.Hosting;

/// <summary>
/// The generated program's command line: <c>[compare|check] [--option value]...</c>.
/// Every option overrides the corresponding declaration of the experiment.
/// </summary>
public sealed record RunOptions
{
    /// <summary>Text printed by <c>--help</c>.</summary>
    public const string Usage = """
        Usage: <program> [compare|check] [options]
          compare (default)      train the teacher (or load --teacher-weights), then the student from scratch,
                                 with logit KD and with FOFA; print top-1 accuracy and wall time of each
          check                  build the distillation graph, run one FOFA step on a few images, print every
                                 stage shape and parameter count, then exit
        Options:
          --methods LIST         comma-separated, in order, from the methods the experiment declares
                                 (default: all of them, in declaration order)
          --epochs N             student epochs            --teacher-epochs N   teacher epochs
          --batch-size N         mini-batch size           --lr X               peak learning rate
          --data DIR             folder with the dataset files (default: the embedded subset)
          --train-limit N        use at most N training images, class-balanced (0 = all)
          --teacher-weights F    load the teacher from F instead of training it: a PyTorch state_dict
                                 (.pt, .pth, .bin, .safetensors; timm/torchvision names), e.g. a run's teacher.safetensors
          --student-weights F    start every student from F (a classifier of another class count is skipped)
          --out DIR              output folder (default: the declared one, else runs/<experiment>)
          --checkpoint-every N   also write the last checkpoint every N steps (default: declared, else epoch ends)
          --seed N               seed of every random choice
          --threads N            CPU threads for TorchSharp (default: all cores)
          --device D             auto (CUDA when available), cpu, cuda or cuda:N (default: declared, else auto)
          --no-tf32              keep full FP32 matrix math on CUDA (TF32 is on by default there)
          --resume               continue an interrupted run in --out: reuse the trained teacher and resume
                                 each method from its last checkpoint (checkpoints/<method>/last.ckpt)
        """;

    /// <summary><c>compare</c> or <c>check</c>.</summary>
    public string Command { get; init; } = "compare";

    /// <summary>Methods to run in <c>compare</c>, in order; null for every declared method.</summary>
    public IReadOnlyList<string>? Methods { get; init; }

    /// <summary>Override of the student epochs.</summary>
    public int? Epochs { get; init; }

    /// <summary>Override of the teacher epochs.</summary>
    public int? TeacherEpochs { get; init; }

    /// <summary>Override of the batch size.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Override of the peak learning rate.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Override of the data folder.</summary>
    public string? DataPath { get; init; }

    /// <summary>Override of the training-image limit.</summary>
    public int? TrainLimit { get; init; }

    /// <summary>Override of the teacher weights file.</summary>
    public string? TeacherWeights { get; init; }

    /// <summary>Override of the student initialisation weights.</summary>
    public string? StudentWeights { get; init; }

    /// <summary>Output folder, or null for <c>runs/&lt;experiment&gt;</c>.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Override of the seed.</summary>
    public int? Seed { get; init; }

    /// <summary>TorchSharp CPU threads, or null for all cores.</summary>
    public int? Threads { get; init; }

    /// <summary>Override of the device specification (auto, cpu, cuda or cuda:N).</summary>
    public string? Device { get; init; }

    /// <summary>Override of the checkpoint cadence in steps.</summary>
    public int? CheckpointEverySteps { get; init; }

    /// <summary>Whether CUDA matrix math may use TF32.</summary>
    public bool AllowTf32 { get; init; } = true;

    /// <summary>Whether to continue an interrupted run from its checkpoints.</summary>
    public bool Resume { get; init; }

    /// <summary>Whether <c>--help</c> was asked for.</summary>
    public bool Help { get; init; }

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> naming the bad argument and the valid choices.</summary>
    public static RunOptions Parse(IReadOnlyList<string> args)
    {
        var options = new RunOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (i == 0 && !arg.StartsWith('-'))
            {
                options = arg is "compare" or "check"
                    ? options with { Command = arg }
                    : throw new ArgumentException($"Unknown command '{arg}'. Commands: compare, check.");
                continue;
            }

            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"Option {arg} needs a value.");
            options = arg switch
            {
                "--help" or "-h" => options with { Help = true },
                "--methods" => options with { Methods = ParseMethods(Value()) },
                "--epochs" => options with { Epochs = PositiveInt(arg, Value()) },
                "--teacher-epochs" => options with { TeacherEpochs = NonNegativeInt(arg, Value()) },
                "--batch-size" => options with { BatchSize = PositiveInt(arg, Value()) },
                "--lr" => options with { LearningRate = PositiveDouble(arg, Value()) },
                "--data" => options with { DataPath = Value() },
                "--train-limit" => options with { TrainLimit = NonNegativeInt(arg, Value()) },
                "--teacher-weights" => options with { TeacherWeights = Value() },
                "--student-weights" => options with { StudentWeights = Value() },
                "--out" => options with { OutputDirectory = Value() },
                "--checkpoint-every" => options with { CheckpointEverySteps = NonNegativeInt(arg, Value()) },
                "--seed" => options with { Seed = NonNegativeInt(arg, Value()) },
                "--threads" => options with { Threads = PositiveInt(arg, Value()) },
                "--device" => options with { Device = Value() },
                "--no-tf32" => options with { AllowTf32 = false },
                "--resume" => options with { Resume = true },
                _ => throw new ArgumentException($"Unknown option '{arg}'. Run with --help for the list."),
            };
        }
        return options;
    }

    /// <summary>The experiment's schedule with this command line's overrides applied.</summary>
    public TrainingSchedule Apply(TrainingSchedule schedule) => schedule with
    {
        Epochs = Epochs ?? schedule.Epochs,
        BatchSize = BatchSize ?? schedule.BatchSize,
        LearningRate = LearningRate ?? schedule.LearningRate,
        MinLearningRate = Math.Min(schedule.MinLearningRate, LearningRate ?? schedule.LearningRate),
    };

    /// <summary>The declared methods <see cref="Methods"/> selects, in its order; throws naming an undeclared one and the declared ones.</summary>
    public IReadOnlyList<MethodDefinition> SelectMethods(ExperimentDefinition experiment)
    {
        if (Methods is null) return experiment.Methods;
        var unknown = Methods.Where(m => experiment.FindMethod(m) is null).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"Unknown method(s) {string.Join(", ", unknown)} in --methods. {experiment.Name} declares: {string.Join(", ", experiment.Methods.Select(m => m.Name))}.");
        return Methods.Select(m => experiment.FindMethod(m)!).ToList();
    }

    private static IReadOnlyList<string> ParseMethods(string value)
    {
        var methods = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(m => m.ToLowerInvariant()).ToList();
        if (methods.Count == 0) throw new ArgumentException("--methods needs at least one method name.");
        return methods.Distinct().ToList();
    }

    private static int PositiveInt(string option, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{option} needs a positive integer, got '{value}'.");

    private static int NonNegativeInt(string option, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : throw new ArgumentException($"{option} needs a non-negative integer, got '{value}'.");

    private static double PositiveDouble(string option, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && x > 0 && double.IsFinite(x) ? x : throw new ArgumentException($"{option} needs a positive number, got '{value}'.");
}
