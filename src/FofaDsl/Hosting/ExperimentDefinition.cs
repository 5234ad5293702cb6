using FofaDsl.Backbones;
using FofaDsl.Fofa;
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

    /// <summary>Short description of the teacher for reports, e.g. "ViT (patch 4, width 96, depth 6, 3 heads)".</summary>
    public required string TeacherDescription { get; init; }

    /// <summary>Short description of the student for reports.</summary>
    public required string StudentDescription { get; init; }

    /// <summary>Builds a fresh teacher with its declared architecture.</summary>
    public required Func<StagedBackbone> CreateTeacher { get; init; }

    /// <summary>Builds a fresh student with its declared architecture.</summary>
    public required Func<StagedBackbone> CreateStudent { get; init; }

    /// <summary>Builds the FOFA training step (the generated distillation graph) over a trained teacher and a fresh student.</summary>
    public required Func<StagedBackbone, StagedBackbone, ITrainingStep> CreateFofaStep { get; init; }

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

    /// <summary>Weights every fresh student starts from (e.g. ImageNet pre-training; a classifier of another class count is skipped), or null.</summary>
    public string? StudentWeights { get; init; }
}
