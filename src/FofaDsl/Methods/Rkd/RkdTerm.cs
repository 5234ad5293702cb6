using FofaDsl.Training;
using TorchSharp;

namespace FofaDsl.Methods.Rkd;

/// <summary>
/// Relational KD on the two models' embeddings (<see cref="Backbones.ModelOutputs.Embedding"/>), see
/// <see cref="RelationalKdLoss"/>. Reported as two terms: <c>rkd-distance</c>
/// (<c>DistanceWeight * L_distance</c>) and <c>rkd-angle</c> (<c>AngleWeight * L_angle</c>).
/// </summary>
public sealed class RkdTerm : IDistillationTerm
{
    /// <summary>Creates the term after validating <paramref name="options"/>.</summary>
    /// <param name="options">The two weights and eps.</param>
    public RkdTerm(RkdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The term's settings.</summary>
    public RkdOptions Options { get; }

    /// <inheritdoc />
    public string Name => "rkd";

    /// <inheritdoc />
    public IReadOnlyList<torch.nn.Module> Modules => [];

    /// <inheritdoc />
    public IEnumerable<LossTerm> Compute(DistillationInputs inputs)
    {
        var teacher = inputs.RequireTeacher(Name).Embedding.detach();
        var student = inputs.Student.Embedding;
        var distance = RelationalKdLoss.DistanceTerm(student, teacher, Options.Eps) * Options.DistanceWeight;
        var angle = RelationalKdLoss.AngleTerm(student, teacher) * Options.AngleWeight;
        return [new LossTerm("rkd-distance", distance), new LossTerm("rkd-angle", angle)];
    }
}
