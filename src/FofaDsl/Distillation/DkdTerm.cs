using FofaDsl.Baselines;
using FofaDsl.Training;
using TorchSharp;

namespace FofaDsl.Distillation;

/// <summary>Decoupled KD: <c>(alpha * TCKD + beta * NCKD) * T^2</c> (see <see cref="DecoupledKdLoss"/>). Reported as <c>dkd</c>.</summary>
public sealed class DkdTerm : IDistillationTerm
{
    /// <summary>Creates the term after validating <paramref name="options"/>.</summary>
    /// <param name="options">Alpha, beta and temperature.</param>
    public DkdTerm(DkdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The term's settings.</summary>
    public DkdOptions Options { get; }

    /// <inheritdoc />
    public string Name => "dkd";

    /// <inheritdoc />
    public IReadOnlyList<torch.nn.Module> Modules => [];

    /// <inheritdoc />
    public IEnumerable<LossTerm> Compute(DistillationInputs inputs)
    {
        var teacher = inputs.RequireTeacher(Name);
        var loss = DecoupledKdLoss.Compute(inputs.Student.Logits, teacher.Logits.detach(), inputs.Labels,
            Options.Alpha, Options.Beta, Options.Temperature);
        return [new LossTerm(Name, loss)];
    }
}
