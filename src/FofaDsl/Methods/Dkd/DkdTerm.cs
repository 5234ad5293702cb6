using FofaDsl.Training;
using TorchSharp;

namespace FofaDsl.Methods.Dkd;

/// <summary>
/// Decoupled KD: <c>(alpha * TCKD + beta * NCKD) * T^2</c> (see <see cref="DecoupledKdLoss"/>), scaled by
/// <c>min(epoch / WarmupEpochs, 1)</c> when <see cref="DkdOptions.WarmupEpochs"/> is set. Reported as
/// <c>dkd</c>, with the scale applied (it is what is trained).
/// </summary>
public sealed class DkdTerm : IDistillationTerm
{
    // Until told otherwise the term is in the first epoch (e.g. a one-batch check outside the loop).
    private int epoch = 1;

    /// <summary>Creates the term after validating <paramref name="options"/>.</summary>
    /// <param name="options">Alpha, beta, temperature and warm-up.</param>
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

    /// <summary>The factor the loss is scaled by in the current epoch: <c>min(epoch / WarmupEpochs, 1)</c>, or 1 without warm-up.</summary>
    public double WarmupScale => Options.WarmupEpochs > 0 ? Math.Min((double)epoch / Options.WarmupEpochs, 1.0) : 1.0;

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is below 1.</exception>
    public void BeginEpoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epoch, 1);
        this.epoch = epoch;
    }

    /// <inheritdoc />
    public IEnumerable<LossTerm> Compute(DistillationInputs inputs)
    {
        var teacher = inputs.RequireTeacher(Name);
        var loss = DecoupledKdLoss.Compute(inputs.Student.Logits, teacher.Logits.detach(), inputs.Labels,
            Options.Alpha, Options.Beta, Options.Temperature);
        var scale = WarmupScale;
        // Without warm-up (or after it) the loss is left untouched, bit for bit.
        return [new LossTerm(Name, scale < 1.0 ? loss * scale : loss)];
    }
}
