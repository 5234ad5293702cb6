using FofaDsl.Backbones;
using FofaDsl.Training;
using TorchSharp;

namespace FofaDsl.Methods.FitNet;

/// <summary>
/// FitNet hints: <c>weight * sum_stages MSE(regressor(f_s), f_t)</c> with one learned
/// <see cref="FitNetRegressor"/> per selected stage, trained with the student. Reported as <c>fitnet</c>.
/// </summary>
public sealed class FitNetTerm : IDistillationTerm
{
    /// <summary>Builds the regressors from the two models' stage geometries.</summary>
    /// <param name="teacher">The teacher (read for its stage shapes only; the step freezes it).</param>
    /// <param name="student">The student.</param>
    /// <param name="options">Weight and stages; see <see cref="FitNetOptions"/> for the defaults.</param>
    public FitNetTerm(StagedBackbone teacher, StagedBackbone student, FitNetOptions options)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Hints = new FitNetLoss(student.StageGeometries, teacher.StageGeometries, options.ResolvedStages);
    }

    /// <summary>The term's settings.</summary>
    public FitNetOptions Options { get; }

    /// <summary>The per-stage regressors and their loss.</summary>
    public FitNetLoss Hints { get; }

    /// <inheritdoc />
    public string Name => "fitnet";

    /// <inheritdoc />
    public IReadOnlyList<torch.nn.Module> Modules => [Hints];

    /// <inheritdoc />
    public IEnumerable<LossTerm> Compute(DistillationInputs inputs)
    {
        var teacher = inputs.RequireTeacher(Name);
        var loss = Hints.Loss(inputs.Student.Stages, teacher.Stages) * Options.Weight;
        return [new LossTerm(Name, loss)];
    }
}
