using System.Globalization;
using FofaDsl.Backbones;
using FofaDsl.Training;
using TorchSharp;

namespace FofaDsl.Methods.Crd;

/// <summary>
/// Contrastive representation distillation on the two models' embeddings
/// (<see cref="ModelOutputs.Embedding"/>): learned embedding heads and a momentum memory bank with a row
/// per training sample on each side (see <see cref="ContrastiveRepresentation"/>). Needs the dataset
/// index of every image. Reported as <c>crd</c>.
/// </summary>
public sealed class CrdTerm : IDistillationTerm
{
    /// <summary>Builds the embedding heads and the memory banks.</summary>
    /// <param name="teacher">The teacher (read for its embedding width; the step freezes it, its head trains).</param>
    /// <param name="student">The student.</param>
    /// <param name="trainingSamples">Size of the training set: rows of each memory bank, at least 2.</param>
    /// <param name="options">Weight, embedding width, negatives, temperature and momentum.</param>
    public CrdTerm(StagedBackbone teacher, StagedBackbone student, int trainingSamples, CrdOptions options)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (trainingSamples < 2)
            throw new ArgumentException($"CRD contrasts each sample with others: it needs at least 2 training samples, got {trainingSamples}.",
                nameof(trainingSamples));
        Options = options;
        TrainingSamples = trainingSamples;
        Contrast = new ContrastiveRepresentation(student.EmbeddingWidth, teacher.EmbeddingWidth, trainingSamples, options.EmbedDim,
            options.Negatives, options.Temperature, options.Momentum, options.Weight);
        if (Contrast.Negatives < options.Negatives)
            Note = string.Create(CultureInfo.InvariantCulture,
                $"CRD: {options.Negatives} negatives requested, but the training set has only {trainingSamples} samples; using {Contrast.Negatives} (all other samples, drawn with replacement).");
    }

    /// <summary>The term's settings as given (see <see cref="Negatives"/> for the negatives actually drawn).</summary>
    public CrdOptions Options { get; }

    /// <summary>Rows of each memory bank.</summary>
    public int TrainingSamples { get; }

    /// <summary>Negatives drawn per sample: <see cref="CrdOptions.Negatives"/> capped at <see cref="TrainingSamples"/> minus one.</summary>
    public int Negatives => Contrast.Negatives;

    /// <summary>Why the negatives were capped, to show the user; null when they were not.</summary>
    public string? Note { get; }

    /// <summary>The embedding heads, memory banks and NCE loss.</summary>
    public ContrastiveRepresentation Contrast { get; }

    /// <inheritdoc />
    public string Name => "crd";

    /// <inheritdoc />
    public bool NeedsSampleIndices => true;

    /// <inheritdoc />
    public IReadOnlyList<torch.nn.Module> Modules => [Contrast];

    /// <inheritdoc />
    public IEnumerable<LossTerm> Compute(DistillationInputs inputs)
    {
        var teacher = inputs.RequireTeacher(Name);
        var indices = inputs.RequireSampleIndices(Name);
        return [new LossTerm(Name, Contrast.Loss(inputs.Student.Embedding, teacher.Embedding.detach(), indices))];
    }
}
