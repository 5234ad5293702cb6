using FofaDsl.Training;
using TorchSharp;

namespace FofaDsl.Methods.Dist;

/// <summary>DIST: <c>weight * T^2 * (beta * inter + gamma * intra)</c> (see <see cref="DistLoss"/>). Reported as <c>dist</c>.</summary>
public sealed class DistTerm : IDistillationTerm
{
    /// <summary>Creates the term after validating <paramref name="options"/>.</summary>
    /// <param name="options">Weight, beta, gamma and temperature.</param>
    public DistTerm(DistOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The term's settings.</summary>
    public DistOptions Options { get; }

    /// <inheritdoc />
    public string Name => "dist";

    /// <inheritdoc />
    public IReadOnlyList<torch.nn.Module> Modules => [];

    /// <inheritdoc />
    public IEnumerable<LossTerm> Compute(DistillationInputs inputs)
    {
        var teacher = inputs.RequireTeacher(Name);
        var loss = DistLoss.Compute(inputs.Student.Logits, teacher.Logits.detach(), Options.Beta, Options.Gamma, Options.Temperature)
                   * Options.Weight;
        return [new LossTerm(Name, loss)];
    }
}
