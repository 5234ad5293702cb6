using FofaDsl.Backbones;
using FofaDsl.Training;
using TorchSharp;

namespace FofaDsl.Methods.Cc;

/// <summary>
/// Correlation congruence on the two models' embeddings (<see cref="ModelOutputs.Embedding"/>):
/// <c>weight * MSE(C(e_s), C(e_t))</c> with learned embedding heads on both sides (see
/// <see cref="CorrelationCongruence"/>). Reported as <c>cc</c>.
/// </summary>
public sealed class CcTerm : IDistillationTerm
{
    /// <summary>Builds the embedding heads from the two models' embedding widths.</summary>
    /// <param name="teacher">The teacher (read for its embedding width; the step freezes it, its head trains).</param>
    /// <param name="student">The student.</param>
    /// <param name="options">Weight, embedding width, gamma and Taylor order.</param>
    public CcTerm(StagedBackbone teacher, StagedBackbone student, CcOptions options)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Correlation = new CorrelationCongruence(student.EmbeddingWidth, teacher.EmbeddingWidth, options.EmbedDim, options.Gamma,
            options.Weight, options.TaylorOrder);
    }

    /// <summary>The term's settings.</summary>
    public CcOptions Options { get; }

    /// <summary>The embedding heads and the loss.</summary>
    public CorrelationCongruence Correlation { get; }

    /// <inheritdoc />
    public string Name => "cc";

    /// <inheritdoc />
    public IReadOnlyList<torch.nn.Module> Modules => [Correlation];

    /// <inheritdoc />
    public IEnumerable<LossTerm> Compute(DistillationInputs inputs)
    {
        var teacher = inputs.RequireTeacher(Name);
        return [new LossTerm(Name, Correlation.Loss(inputs.Student.Embedding, teacher.Embedding.detach()))];
    }
}
