using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace FofaDsl.Hosting;

/// <summary>
/// The generated program's verbs and options (System.CommandLine): <c>compare</c> (also with no verb),
/// <c>train</c>, <c>resume</c>, <c>eval</c>, <c>check</c>, <c>export</c>. The shared options are recursive, so
/// they go before or after the verb; every one overrides the experiment's declaration. Each verb's action
/// turns the parse into a <see cref="RunOptions"/> and hands it to the runner.
/// </summary>
internal sealed class ExperimentCommandLine
{
    /// <summary>The verbs, in the order help lists them.</summary>
    public static readonly string[] Commands = ["compare", "train", "resume", "eval", "check", "export"];

    private readonly Option<IReadOnlyList<string>?> methods;
    private readonly Option<int?> epochs;
    private readonly Option<int?> teacherEpochs;
    private readonly Option<int?> batchSize;
    private readonly Option<double?> learningRate;
    private readonly Option<OptimizerKind?> optimizer;
    private readonly Option<double?> minLearningRate;
    private readonly Option<double?> weightDecay;
    private readonly Option<double?> momentum;
    private readonly Option<int?> warmupEpochs;
    private readonly Option<LearningRateDecay?> decay;
    private readonly Option<int?> decayEvery;
    private readonly Option<double?> decayFactor;
    private readonly Option<double?> gradientClip;
    private readonly Option<double?> emaDecay;
    private readonly Option<AugmentationKind?> augmentation;
    private readonly Option<string?> data;
    private readonly Option<int?> trainLimit;
    private readonly Option<string?> teacherWeights;
    private readonly Option<string?> studentWeights;
    private readonly Option<string?> output;
    private readonly Option<int?> seed;
    private readonly Option<int?> threads;
    private readonly Option<string?> device;
    private readonly Option<bool> noTf32;
    private readonly Option<bool> skipSelfCheck;
    private readonly Option<int?> checkpointEvery;
    private readonly Option<bool> resume;
    private readonly Option<bool> overwrite;
    private readonly Option<IReadOnlyList<int>?> seeds;

    /// <summary>Builds the command tree; <paramref name="run"/> executes the parsed options and returns the exit code.</summary>
    public ExperimentCommandLine(string experimentName, Func<RunOptions, int> run)
    {
        methods = Shared(new Option<IReadOnlyList<string>?>("--methods")
        {
            Description = "Comma-separated methods, in order, from the ones the experiment declares (default: all, in declaration order).",
            HelpName = "LIST",
            CustomParser = ParseMethods,
        });
        epochs = Shared(IntOption("--epochs", "Student epochs.", minimum: 1));
        teacherEpochs = Shared(IntOption("--teacher-epochs", "Teacher epochs (when no teacher weights are given).", minimum: 0));
        batchSize = Shared(IntOption("--batch-size", "Mini-batch size (training and evaluation).", minimum: 1));
        learningRate = Shared(DoubleOption("--lr", "Peak learning rate (a declared minimum above it is lowered to it).", x => x > 0, "a positive number"));
        optimizer = Shared(EnumOption<OptimizerKind>("--optimizer", "Optimizer"));
        minLearningRate = Shared(DoubleOption("--min-lr", "Learning rate at the end of the cosine decay, at most the peak.", x => x >= 0, "a non-negative number"));
        weightDecay = Shared(DoubleOption("--weight-decay", "Weight decay (decoupled for AdamW; never on biases and norms).", x => x >= 0, "a non-negative number"));
        momentum = Shared(DoubleOption("--momentum", "SGD momentum.", x => x is >= 0 and < 1, "a number in [0, 1)"));
        warmupEpochs = Shared(IntOption("--warmup-epochs", "Epochs of linear learning-rate warm-up.", minimum: 0));
        decay = Shared(EnumOption<LearningRateDecay>("--decay", "Learning-rate decay after warm-up"));
        decayEvery = Shared(IntOption("--decay-every", "Step decay: epochs between decays.", minimum: 1));
        decayFactor = Shared(DoubleOption("--decay-factor", "Step decay: factor applied at each decay.", x => x is > 0 and <= 1, "a number in (0, 1]"));
        gradientClip = Shared(DoubleOption("--grad-clip", "Clip the global gradient norm to X (0 = off).", x => x >= 0, "a non-negative number (0 = off)"));
        emaDecay = Shared(DoubleOption("--ema-decay", "Decay of the student's model EMA, which is then evaluated and kept (0 = off).", x => x is >= 0 and < 1, "0 (off) or a number in (0, 1)"));
        augmentation = Shared(EnumOption<AugmentationKind>("--augmentation", "Training augmentation"));
        data = Shared(new Option<string?>("--data") { Description = "Folder with the dataset files (default: the declared one, else the embedded subset).", HelpName = "DIR" });
        trainLimit = Shared(IntOption("--train-limit", "Use at most N training images, class-balanced (0 = all).", minimum: 0));
        teacherWeights = Shared(new Option<string?>("--teacher-weights")
        {
            Description = "Load the teacher from FILE instead of training it: a PyTorch state_dict (.pt, .pth, .bin, .safetensors; timm/torchvision names), e.g. a run's teacher.safetensors.",
            HelpName = "FILE",
        });
        studentWeights = Shared(new Option<string?>("--student-weights") { Description = "Start every student from FILE (a classifier of another class count is skipped).", HelpName = "FILE" });
        output = Shared(new Option<string?>("--out") { Description = "Output folder (default: the declared one, else runs/<experiment>).", HelpName = "DIR" });
        seed = Shared(IntOption("--seed", "Seed of every random choice.", minimum: 0));
        threads = Shared(IntOption("--threads", "CPU threads for TorchSharp (default: half the cores, at least 1, so that two runs share the machine without slowing each other down).", minimum: 1));
        device = Shared(new Option<string?>("--device") { Description = "auto (CUDA when available), cpu, cuda or cuda:N (default: the declared one, else auto).", HelpName = "D" });
        noTf32 = Shared(new Option<bool>("--no-tf32") { Description = "Keep full FP32 matrix math on CUDA (TF32 is on by default there)." });
        skipSelfCheck = Shared(new Option<bool>("--skip-self-check")
        {
            Description = "Skip the start-up check that this CPU computes the experiment's float32 convolutions right (compared with float64; a few milliseconds).",
        });
        checkpointEvery = Shared(IntOption("--checkpoint-every", "Also write the last checkpoint every N steps (default: the declared cadence, else epoch ends).", minimum: 0));
        resume = new Option<bool>("--resume") { Description = "Continue an interrupted run in --out from its checkpoints (same as the resume command)." };
        overwrite = new Option<bool>("--overwrite") { Description = "Replace the run already in --out (its checkpoints, exports, metrics and manifest) instead of refusing to mix a new run into it." };
        seeds = new Option<IReadOnlyList<int>?>("--seeds")
        {
            Description = "Run every method under each of these seeds (e.g. 11,12,13; the teacher once, with the first) and print each run's mean ± sd and its difference from scratch with a 95 % confidence interval.",
            HelpName = "LIST",
            CustomParser = ParseSeeds,
        };

        Root = new RootCommand($"{experimentName}: a FOFA distillation experiment. Without a command, runs compare.");
        foreach (var option in SharedOptions) Root.Options.Add(option);
        Root.Options.Add(resume);
        Root.Options.Add(seeds);
        Root.Options.Add(overwrite);
        Root.SetAction(parse => run(Read(parse, "compare")));

        Add("compare", "Train the teacher when a selected method needs one (or load --teacher-weights), then each selected method; print the results table.", run, resume, overwrite, seeds);
        Add("train", "Train the teacher when needed and the selected methods (default: all); write checkpoints, student exports and metrics, without the results table.", run, resume, overwrite);
        Add("resume", "Continue the interrupted train or compare run in --out from its checkpoints (reusing a trained teacher).", run);

        var evalCheckpoint = new Option<string?>("--checkpoint") { Description = "A training checkpoint of this experiment (default: <out>/checkpoints/<method>/best.ckpt).", HelpName = "FILE" };
        var evalWeights = new Option<string?>("--weights") { Description = "Student weights (.safetensors, e.g. a run's student-<method>.safetensors) instead of a checkpoint.", HelpName = "FILE" };
        var evalMethod = new Option<string?>("--method") { Description = "The method whose step to build (default: the checkpoint's own, else the last declared).", HelpName = "NAME" };
        var attentionMaps = IntOption("--attention-maps", "Write the student's region-aware attention for the first N held-out images as PNG heat maps to <out>/attention/ (FOFA methods, with --checkpoint).", minimum: 1);
        Add("eval", "Evaluate a checkpoint or student weights on the held-out split: top-1 (and top-5 with more than five classes).", run,
            evalCheckpoint, evalWeights, evalMethod, attentionMaps);

        Add("check", "Build the graph, run one step of each selected method on a few images, print every stage shape and parameter count, then exit.", run);

        var exportCheckpoint = new Option<string?>("--checkpoint") { Description = "The checkpoint to export (default: <out>/checkpoints/<method>/best.ckpt).", HelpName = "FILE" };
        var exportTo = new Option<string?>("--to") { Description = "The safetensors file to write (default: beside the checkpoint, e.g. checkpoints/<method>/best.safetensors).", HelpName = "FILE" };
        var exportMethod = new Option<string?>("--method") { Description = "The method whose step to build (default: the checkpoint's own, else the last declared).", HelpName = "NAME" };
        Add("export", "Write the trained student of a checkpoint as safetensors (PyTorch-readable, timm/torchvision names).", run, exportCheckpoint, exportTo, exportMethod);

        Option<T> Shared<T>(Option<T> option)
        {
            option.Recursive = true;
            return option;
        }
    }

    /// <summary>The root command: parse with it, invoke the result.</summary>
    public RootCommand Root { get; }

    private IEnumerable<Option> SharedOptions =>
        [methods, epochs, teacherEpochs, batchSize, learningRate, optimizer, minLearningRate, weightDecay, momentum, warmupEpochs, decay, decayEvery, decayFactor, gradientClip, emaDecay,
         data, augmentation, trainLimit, teacherWeights, studentWeights, output, seed, threads, device, noTf32, skipSelfCheck, checkpointEvery];

    /// <summary>Every problem with the parse, each naming the bad argument: System.CommandLine's errors, then unknown options, verbs and extra words.</summary>
    public static IReadOnlyList<string> Errors(ParseResult parse, IReadOnlyList<string> args)
    {
        // System.CommandLine's own "unrecognized" error is replaced by one that says what the token looks like.
        var errors = parse.Errors.Select(e => e.Message)
            .Where(message => !parse.UnmatchedTokens.Any(token => message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal) && message.Contains($"'{token}'", StringComparison.Ordinal)))
            .ToList();
        foreach (var token in parse.UnmatchedTokens)
        {
            if (token.StartsWith('-')) errors.Add($"Unknown option '{token}'. Run with --help for the list.");
            else if (args.Count > 0 && token == args[0] && parse.CommandResult.Command is RootCommand)
                errors.Add($"Unknown command '{token}'. Commands: {string.Join(", ", Commands)}.");
            else errors.Add($"Unexpected argument '{token}'. Options take their value after them (e.g. --epochs 10); run with --help for the list.");
        }
        return errors.Distinct().ToList();
    }

    /// <summary>Parses <paramref name="args"/> into options without running anything; throws <see cref="ArgumentException"/> with every problem.</summary>
    public static RunOptions ParseOptions(IReadOnlyList<string> args)
    {
        RunOptions? parsed = null;
        var commandLine = new ExperimentCommandLine("experiment", options =>
        {
            parsed = options;
            return 0;
        });
        var parse = commandLine.Root.Parse(args);
        var errors = Errors(parse, args);
        if (errors.Count > 0) throw new ArgumentException(string.Join(Environment.NewLine, errors));
        parse.Invoke(new InvocationConfiguration { Output = TextWriter.Null, Error = TextWriter.Null, EnableDefaultExceptionHandler = false });
        // No verb action ran: --help (or --version) answered instead.
        return parsed ?? new RunOptions { Command = parse.CommandResult.Command is RootCommand ? "compare" : parse.CommandResult.Command.Name, Help = true };
    }

    private void Add(string name, string description, Func<RunOptions, int> run, params Option[] options)
    {
        var command = new Command(name, description);
        foreach (var option in options) command.Options.Add(option);
        command.SetAction(parse => run(Read(parse, name)));
        Root.Subcommands.Add(command);
    }

    private RunOptions Read(ParseResult parse, string command)
    {
        var verbOptions = parse.CommandResult.Command.Options;
        T? Verb<T>(string name) => verbOptions.OfType<Option<T>>().FirstOrDefault(o => o.Name == name) is { } option ? parse.GetValue(option) : default;
        return new RunOptions
        {
            Command = command,
            Methods = parse.GetValue(methods),
            Epochs = parse.GetValue(epochs),
            TeacherEpochs = parse.GetValue(teacherEpochs),
            BatchSize = parse.GetValue(batchSize),
            LearningRate = parse.GetValue(learningRate),
            Optimizer = parse.GetValue(optimizer),
            MinLearningRate = parse.GetValue(minLearningRate),
            WeightDecay = parse.GetValue(weightDecay),
            Momentum = parse.GetValue(momentum),
            WarmupEpochs = parse.GetValue(warmupEpochs),
            Decay = parse.GetValue(decay),
            DecayEveryEpochs = parse.GetValue(decayEvery),
            DecayFactor = parse.GetValue(decayFactor),
            GradientClip = parse.GetValue(gradientClip),
            EmaDecay = parse.GetValue(emaDecay),
            DataPath = parse.GetValue(data),
            Augmentation = parse.GetValue(augmentation),
            TrainLimit = parse.GetValue(trainLimit),
            TeacherWeights = parse.GetValue(teacherWeights),
            StudentWeights = parse.GetValue(studentWeights),
            OutputDirectory = parse.GetValue(output),
            Seed = parse.GetValue(seed),
            Threads = parse.GetValue(threads),
            Device = parse.GetValue(device),
            AllowTf32 = !parse.GetValue(noTf32),
            SkipSelfCheck = parse.GetValue(skipSelfCheck),
            CheckpointEverySteps = parse.GetValue(checkpointEvery),
            Resume = command == "resume" || Verb<bool>("--resume"),
            Seeds = Verb<IReadOnlyList<int>?>("--seeds"),
            Overwrite = Verb<bool>("--overwrite"),
            Checkpoint = Verb<string?>("--checkpoint"),
            Weights = Verb<string?>("--weights"),
            Method = Verb<string?>("--method")?.Trim().ToLowerInvariant(),
            AttentionMaps = Verb<int?>("--attention-maps") ?? 0,
            ExportTo = Verb<string?>("--to"),
        };
    }

    private static Option<int?> IntOption(string name, string description, int minimum) => new(name)
    {
        Description = description,
        HelpName = "N",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= minimum) return n;
            result.AddError($"{name} needs a {(minimum > 0 ? "positive" : "non-negative")} integer, got '{text}'.");
            return null;
        },
    };

    private static Option<double?> DoubleOption(string name, string description, Func<double, bool> isValid, string needs) => new(name)
    {
        Description = description,
        HelpName = "X",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x) && isValid(x)) return x;
            result.AddError($"{name} needs {needs}, got '{text}'.");
            return null;
        },
    };

    /// <summary>An option naming a value of <typeparamref name="T"/>: case-insensitive, dashes and underscores ignored (<c>vit-recipe</c> is <c>VitRecipe</c>), numbers refused.</summary>
    private static Option<T?> EnumOption<T>(string name, string what) where T : struct, Enum
    {
        var names = string.Join(", ", Enum.GetNames<T>());
        return new Option<T?>(name)
        {
            Description = $"{what}: {names} (default: the declared one).",
            HelpName = "NAME",
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
                var key = text.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
                foreach (var value in Enum.GetValues<T>())
                    if (string.Equals(value.ToString(), key, StringComparison.OrdinalIgnoreCase)) return value;
                result.AddError($"{name} needs one of {names}, got '{text}'.");
                return null;
            },
        };
    }

    private static IReadOnlyList<int>? ParseSeeds(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = new List<int>();
        foreach (var part in parts)
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) || seed < 0)
            {
                result.AddError($"--seeds needs non-negative integers separated by commas (e.g. --seeds 11,12,13), got '{part}' in '{text}'.");
                return null;
            }
            values.Add(seed);
        }
        if (values.Count == 0)
        {
            result.AddError("--seeds needs at least one seed, e.g. --seeds 11,12,13.");
            return null;
        }
        if (values.Distinct().Count() != values.Count)
        {
            result.AddError($"--seeds lists a seed twice ('{text}'): each seed is one repetition, so give each once.");
            return null;
        }
        return values;
    }

    private static IReadOnlyList<string>? ParseMethods(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(m => m.ToLowerInvariant()).Distinct().ToList();
        if (names.Count > 0) return names;
        result.AddError("--methods needs at least one method name, e.g. --methods kd,fofa.");
        return null;
    }
}
