using FofaDsl.Backbones;
using FofaDsl.Methods;
using FofaDsl.Training;

namespace FofaDsl.Hosting;

/// <summary>
/// Everything the host needs to run a declared experiment. The source generator builds one from
/// the experiment's attributes; the FOFA step is the generated, typed distillation graph.
/// </summary>
public sealed record ExperimentDefinition
{
    /// <summary>Experiment name (output folder, reports).</summary>
    public required string Name { get; init; }

    /// <summary>Seed of every random choice.</summary>
    public required int Seed { get; init; }

    /// <summary>Hash of the resolved declaration (generated); checkpoints and the manifest carry it.</summary>
    public string Fingerprint { get; init; } = "";

    /// <summary>Short description of the teacher for reports, e.g. "ViT (patch 4, width 96, depth 6, 3 heads)"; null without a teacher.</summary>
    public string? TeacherDescription { get; init; }

    /// <summary>Short description of the student for reports.</summary>
    public required string StudentDescription { get; init; }

    /// <summary>Builds a fresh teacher with its declared architecture; null for an experiment without a teacher.</summary>
    public Func<StagedBackbone>? CreateTeacher { get; init; }

    /// <summary>Builds a fresh student with its declared architecture.</summary>
    public required Func<StagedBackbone> CreateStudent { get; init; }

    /// <summary>The declared methods, in declaration order: what <c>compare</c> runs by default and <c>--methods</c> chooses from.</summary>
    public required IReadOnlyList<MethodDefinition> Methods { get; init; }

    /// <summary>Loss weights, temperature and label smoothing.</summary>
    public required FofaLossWeights Weights { get; init; }

    /// <summary>Schedule of student training (and of teacher training, with <see cref="TeacherEpochs"/>).</summary>
    public required TrainingSchedule Schedule { get; init; }

    /// <summary>Epochs of supervised teacher training when no teacher weights are given.</summary>
    public required int TeacherEpochs { get; init; }

    /// <summary>The data.</summary>
    public required DataSettings Data { get; init; }

    /// <summary>Teacher weights to load instead of training one, or null.</summary>
    public string? TeacherWeights { get; init; }

    /// <summary>Device specification: auto (CUDA when available), cpu, cuda or cuda:N.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Output folder, or null for <c>runs/&lt;experiment name&gt;</c>.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Write the "last" checkpoint every this many steps as well as at each epoch end (0: epoch ends only).</summary>
    public int CheckpointEverySteps { get; init; }

    /// <summary>Finds a declared method by its command-line name (case-insensitive), or null.</summary>
    public MethodDefinition? FindMethod(string name) =>
        Methods.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Weights every fresh student starts from (e.g. ImageNet pre-training; a classifier of another class count is skipped), or null.</summary>
    public string? StudentWeights { get; init; }
}
