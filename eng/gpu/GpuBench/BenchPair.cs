using FofaDsl.Backbones;
using FofaDsl.Examples;
using FofaDsl.Hosting;
using FofaDsl.Methods.Kd;
using FofaDsl.Methods;
using FofaDsl.Training;

namespace FofaDsl.GpuBench;

/// <summary>
/// A teacher-student pair the bench times, with the input it is fed. eng/gpu/eager_reference.py builds
/// the same architectures in plain PyTorch, so each row of the report has a PyTorch counterpart.
/// </summary>
/// <param name="Name">Command-line name: <c>quickstart</c> or <c>paper</c>.</param>
/// <param name="Description">What the report says about the pair.</param>
/// <param name="BatchSize">Images per step.</param>
/// <param name="Channels">Image channels.</param>
/// <param name="ImageSize">Side of the square images.</param>
/// <param name="Classes">Classes of both heads.</param>
/// <param name="CreateTeacher">Builds a fresh teacher.</param>
/// <param name="CreateStudent">Builds a fresh student.</param>
/// <param name="Weights">The pair's declared loss weights (label smoothing, KD temperature).</param>
/// <param name="Fofa">The generated FOFA method of the pair's experiment.</param>
/// <param name="CreateFofaOptions">The generated settings of that FOFA run.</param>
internal sealed record BenchPair(
    string Name, string Description, int BatchSize, int Channels, int ImageSize, int Classes,
    Func<StagedBackbone> CreateTeacher, Func<StagedBackbone> CreateStudent, FofaLossWeights Weights, MethodDefinition Fofa,
    Func<Methods.Fofa.FofaOptions> CreateFofaOptions)
{
    /// <summary>The step kinds, in report order: the student alone, logit KD, FitNet on all four stages, and FOFA.</summary>
    public static IReadOnlyList<string> StepKinds { get; } = ["supervised", "kd", "fitnet", "fofa"];

    /// <summary>The generated quickstart: ViT (patch 7, width 96, depth 6, 3 heads) -> ResNet18 with the CIFAR stem, width 8, at 28 pixels.</summary>
    public static BenchPair Quickstart { get; } = new(
        "quickstart", $"{Examples.Quickstart.Spec.Teacher} -> {Examples.Quickstart.Spec.Student}",
        Examples.Quickstart.Spec.BatchSize, Examples.Quickstart.Spec.InputChannels, Examples.Quickstart.Spec.ImageSize, Examples.Quickstart.Spec.Classes,
        Examples.Quickstart.CreateTeacher, Examples.Quickstart.CreateStudent, Examples.Quickstart.CreateLossWeights(), RequireFofa(Examples.Quickstart.Definition),
        Examples.Quickstart.CreateFofaOptions);

    /// <summary>The paper-size pair of <see cref="PaperPair"/>: ConvNeXt-T -> DeiT-T at 224.</summary>
    public static BenchPair Paper { get; } = new(
        "paper", $"{PaperPair.Spec.Teacher} -> {PaperPair.Spec.Student}",
        PaperPair.Spec.BatchSize, PaperPair.Spec.InputChannels, PaperPair.Spec.ImageSize, PaperPair.Spec.Classes,
        PaperPair.CreateTeacher, PaperPair.CreateStudent, PaperPair.CreateLossWeights(), RequireFofa(PaperPair.Definition), PaperPair.CreateFofaOptions);

    /// <summary>The pair called <paramref name="name"/>.</summary>
    public static BenchPair Find(string name) => name switch
    {
        "quickstart" => Quickstart,
        "paper" => Paper,
        _ => throw new ArgumentException($"Unknown pair '{name}': use quickstart or paper."),
    };

    /// <summary>Whether a step of <paramref name="kind"/> distils from a teacher.</summary>
    public static bool NeedsTeacher(string kind) => kind switch
    {
        "supervised" => false,
        "kd" or "fitnet" or "fofa" => true,
        _ => throw new ArgumentException($"Unknown step kind '{kind}': use {string.Join(", ", StepKinds)}."),
    };

    /// <summary>Builds the step of <paramref name="kind"/> over fresh models (the step freezes the teacher where it has one).</summary>
    /// <param name="kind">One of <see cref="StepKinds"/>.</param>
    /// <param name="teacher">The teacher, for the kinds that distil.</param>
    /// <param name="student">The student.</param>
    /// <param name="recomputeTeacher">FOFA only: false keeps the prompted teacher's activations instead of recomputing them
    /// (the generated run recomputes them, <c>[Fofa(RecomputeTeacher)]</c>).</param>
    public ITrainingStep CreateStep(string kind, StagedBackbone? teacher, StagedBackbone student, bool recomputeTeacher = true) => kind switch
    {
        "supervised" => DistillationStep.Supervised(student, Weights.LabelSmoothing),
        // Logit KD at the pair's declared weight and temperature.
        "kd" => new DistillationStep("Logit KD", teacher ?? throw new ArgumentNullException(nameof(teacher)), student, Weights,
            [new KdTerm(new KdOptions { Weight = Weights.LogitKd, Temperature = Weights.Temperature })]),
        // FitNet's hints on stages 1-4 at weight 1 (the paper's ablation baseline), beside the cross-entropy.
        "fitnet" => new DistillationStep("FitNet", teacher ?? throw new ArgumentNullException(nameof(teacher)), student, Weights,
            [new Methods.FitNet.FitNetTerm(teacher, student, new Methods.FitNet.FitNetOptions())]),
        // Exactly what the generated program trains for --methods fofa.
        "fofa" when recomputeTeacher => Fofa.CreateStep(new MethodContext(teacher, student, TrainingSamples: 0)),
        // The same run with the one knob turned: the generated step's terms, built here.
        "fofa" => new DistillationStep("FOFA", teacher ?? throw new ArgumentNullException(nameof(teacher)), student, Weights,
            [new KdTerm(new KdOptions { Weight = Weights.LogitKd, Temperature = Weights.Temperature }),
             new Methods.Fofa.FofaTerm(teacher, student, CreateFofaOptions() with { RecomputeTeacher = false }, Weights)]),
        _ => throw new ArgumentException($"Unknown step kind '{kind}': use {string.Join(", ", StepKinds)}."),
    };

    private static MethodDefinition RequireFofa(ExperimentDefinition definition) =>
        definition.FindMethod("fofa") ?? throw new InvalidOperationException($"Experiment {definition.Name} declares no FOFA method.");
}
