using System.Globalization;
using FofaDsl.Training;

namespace FofaDsl.Hosting;

/// <summary>
/// The generated program's resolved command line: the verb (<c>compare</c>, <c>train</c>, <c>resume</c>,
/// <c>eval</c>, <c>check</c>, <c>export</c>) and every option, each overriding the experiment's declaration.
/// Run the program with <c>--help</c> (or <c>&lt;verb&gt; --help</c>) for the list.
/// </summary>
public sealed record RunOptions
{
    /// <summary>The verb: <c>compare</c> (the default), <c>train</c>, <c>resume</c>, <c>eval</c>, <c>check</c> or <c>export</c>.</summary>
    public string Command { get; init; } = "compare";

    /// <summary>Methods to run (<c>compare</c>, <c>train</c>, <c>check</c>), in order; null for every declared method.</summary>
    public IReadOnlyList<string>? Methods { get; init; }

    /// <summary>Override of the student epochs.</summary>
    public int? Epochs { get; init; }

    /// <summary>Override of the teacher epochs.</summary>
    public int? TeacherEpochs { get; init; }

    /// <summary>Override of the batch size.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Override of the peak learning rate.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Override of the optimizer.</summary>
    public OptimizerKind? Optimizer { get; init; }

    /// <summary>Override of the learning rate at the end of the cosine decay; without it, the declared one is lowered to an overridden peak below it.</summary>
    public double? MinLearningRate { get; init; }

    /// <summary>Override of the weight decay.</summary>
    public double? WeightDecay { get; init; }

    /// <summary>Override of the SGD momentum.</summary>
    public double? Momentum { get; init; }

    /// <summary>Override of the warm-up epochs.</summary>
    public int? WarmupEpochs { get; init; }

    /// <summary>Override of the learning-rate decay.</summary>
    public LearningRateDecay? Decay { get; init; }

    /// <summary>Override of the step decay's period in epochs.</summary>
    public int? DecayEveryEpochs { get; init; }

    /// <summary>Override of the step decay's factor.</summary>
    public double? DecayFactor { get; init; }

    /// <summary>Override of the gradient-norm clip (0: off).</summary>
    public double? GradientClip { get; init; }

    /// <summary>Override of the student's model-EMA decay (0: off).</summary>
    public double? EmaDecay { get; init; }

    /// <summary>Override of the training augmentation.</summary>
    public AugmentationKind? Augmentation { get; init; }

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

    /// <summary>
    /// <c>compare --seeds 11,12,13</c>: run every selected method under each seed (the teacher once, with the first), and
    /// summarise each run's mean, standard deviation and difference from scratch with a 95 % interval; null for one seed.
    /// </summary>
    public IReadOnlyList<int>? Seeds { get; init; }

    /// <summary>TorchSharp CPU threads, or null for <see cref="Platform.TorchRuntime.DefaultThreads"/> (half the cores).</summary>
    public int? Threads { get; init; }

    /// <summary>Override of the device specification (auto, cpu, cuda or cuda:N).</summary>
    public string? Device { get; init; }

    /// <summary>Override of the checkpoint cadence in steps.</summary>
    public int? CheckpointEverySteps { get; init; }

    /// <summary>Whether CUDA matrix math may use TF32.</summary>
    public bool AllowTf32 { get; init; } = true;

    /// <summary>
    /// Skip the start-up self-check that compares the experiment's float32 convolutions with float64 on the CPU
    /// (<c>--skip-self-check</c>), for a machine known to be right.
    /// </summary>
    public bool SkipSelfCheck { get; init; }

    /// <summary>Whether to continue an interrupted run from its checkpoints (<c>resume</c>, or <c>--resume</c> on <c>compare</c>/<c>train</c>).</summary>
    public bool Resume { get; init; }

    /// <summary>
    /// <c>--overwrite</c> on <c>compare</c>/<c>train</c>: replace the run already in the output folder (its checkpoints, exports,
    /// metrics, plots and manifest) instead of refusing to mix a new run into it.
    /// </summary>
    public bool Overwrite { get; init; }

    /// <summary><c>eval</c>/<c>export</c>: the training checkpoint to read, or null for <c>&lt;out&gt;/checkpoints/&lt;method&gt;/best.ckpt</c>.</summary>
    public string? Checkpoint { get; init; }

    /// <summary><c>eval</c>: student weights (safetensors or a TorchSharp file) to evaluate instead of a checkpoint.</summary>
    public string? Weights { get; init; }

    /// <summary><c>eval</c>/<c>export</c>: the method whose step to build; null for the checkpoint's own, else the last declared.</summary>
    public string? Method { get; init; }

    /// <summary><c>eval</c>: heat maps of the student's region-aware attention to write (0: none).</summary>
    public int AttentionMaps { get; init; }

    /// <summary><c>export</c>: the safetensors file to write, or null for beside the checkpoint.</summary>
    public string? ExportTo { get; init; }

    /// <summary>Whether <c>--help</c> was asked for (the help is printed instead of running).</summary>
    public bool Help { get; init; }

    /// <summary>Parses <paramref name="args"/> without running anything; throws <see cref="ArgumentException"/> naming each bad argument and the valid choices.</summary>
    public static RunOptions Parse(IReadOnlyList<string> args) => ExperimentCommandLine.ParseOptions(args);

    /// <summary>
    /// <paramref name="definition"/> with every setting this command line gives in place of the declared one (the table of
    /// <see cref="RunSettings"/>). A declared minimum learning rate above an overridden peak is lowered to it; an explicit
    /// <c>--min-lr</c> above the peak throws <see cref="ArgumentException"/> naming both.
    /// </summary>
    public ExperimentDefinition Apply(ExperimentDefinition definition) => RunSettings.Apply(definition, this);

    /// <summary>Refuses <c>--seeds</c> outside <c>compare</c> (or its resume) and together with <c>--seed</c>, naming the fix.</summary>
    public void ValidateSeeds()
    {
        if (Seeds is null) return;
        if (Seed is not null)
            throw new ArgumentException("--seed and --seeds were both given: pass one seed with --seed, or several with --seeds (the teacher is trained with the first).");
        if (Command is not ("compare" or "resume"))
            throw new ArgumentException($"--seeds is an option of compare (and of its resume), not of {Command}: run compare --seeds {string.Join(',', Seeds)}, or pass one --seed.");
    }

    /// <summary>The declared methods <see cref="Methods"/> selects, in its order; throws naming an undeclared one and the declared ones.</summary>
    public IReadOnlyList<MethodDefinition> SelectMethods(ExperimentDefinition experiment)
    {
        if (Methods is null) return experiment.Methods;
        var unknown = Methods.Where(m => experiment.FindMethod(m) is null).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"Unknown method(s) {string.Join(", ", unknown)} in --methods. {experiment.Name} declares: {string.Join(", ", experiment.Methods.Select(m => m.Name))}.");
        return Methods.Select(m => experiment.FindMethod(m)!).ToList();
    }
}
