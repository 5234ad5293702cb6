using FofaDsl.Training;
using TorchSharp;

namespace FofaDsl.Methods.Kd;

/// <summary>Logit KD: <c>weight * T^2 * KL(softmax(z_t / T) || softmax(z_s / T))</c>, batch mean. Reported as <c>kd</c>.</summary>
public sealed class KdTerm : IDistillationTerm
{
    /// <summary>Creates the term after validating <paramref name="options"/>.</summary>
    /// <param name="options">Weight and temperature.</param>
    public KdTerm(KdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The term's settings.</summary>
    public KdOptions Options { get; }

    /// <inheritdoc />
    public string Name => "kd";

    /// <inheritdoc />
    public IReadOnlyList<torch.nn.Module> Modules => [];

    /// <inheritdoc />
    public IEnumerable<LossTerm> Compute(DistillationInputs inputs)
    {
        var teacher = inputs.RequireTeacher(Name);
        var loss = LogitDistillationLoss.Compute(inputs.Student.Logits, teacher.Logits.detach(), Options.Temperature) * Options.Weight;
        return [new LossTerm(Name, loss)];
    }
}
