using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Methods.FitNet;

/// <summary>
/// FitNet's hint loss over several stages: one <see cref="FitNetRegressor"/> per selected stage and
/// the sum over those stages of the MSE between the regressed student feature and the teacher's
/// (patch tokens only for token teachers).
/// </summary>
public sealed class FitNetLoss : nn.Module
{
    private readonly ModuleList<FitNetRegressor> regressors;
    private readonly StageGeometry[] teacherStages;

    /// <summary>Creates the regressors for the 1-based <paramref name="stages"/> (null: all four).</summary>
    /// <param name="studentStages">The student's four stage output geometries.</param>
    /// <param name="teacherStages">The teacher's four stage output geometries.</param>
    /// <param name="stages">The stages to distil, 1..4; null means all four.</param>
    public FitNetLoss(IReadOnlyList<StageGeometry> studentStages, IReadOnlyList<StageGeometry> teacherStages, IReadOnlyList<int>? stages = null)
        : base(nameof(FitNetLoss))
    {
        if (studentStages.Count != 4 || teacherStages.Count != 4)
            throw new ArgumentException($"FitNet needs four stages on both sides, got {studentStages.Count} and {teacherStages.Count}.");
        Stages = (stages ?? [1, 2, 3, 4]).ToArray();
        FitNetStageList.Validate(Stages, nameof(stages));
        this.teacherStages = teacherStages.ToArray();
        regressors = new ModuleList<FitNetRegressor>(
            Stages.Select(s => new FitNetRegressor(studentStages[s - 1], teacherStages[s - 1])).ToArray());
        RegisterComponents();
    }

    /// <summary>The 1-based stages that have a regressor, in the order of the regressors.</summary>
    public IReadOnlyList<int> Stages { get; }

    /// <summary>The regressor of stage <paramref name="stage"/> (1..4); throws when that stage is not selected.</summary>
    public FitNetRegressor Regressor(int stage)
    {
        var index = Stages.ToList().IndexOf(stage);
        if (index < 0) throw new ArgumentOutOfRangeException(nameof(stage), stage, $"Stage {stage} is not one of [{string.Join(", ", Stages)}].");
        return regressors[index];
    }

    /// <summary>Sum over the selected stages of <c>MSE(regressor(f_s), f_t)</c>; the teacher side takes no gradient.</summary>
    /// <param name="studentStages">The student's four stage outputs.</param>
    /// <param name="teacherStages">The teacher's four stage outputs (class tokens included).</param>
    public Tensor Loss(IReadOnlyList<Tensor> studentStages, IReadOnlyList<Tensor> teacherStages)
    {
        using var scope = NewDisposeScope();
        Tensor? total = null;
        for (var i = 0; i < Stages.Count; i++)
        {
            var stage = Stages[i];
            var geometry = this.teacherStages[stage - 1];
            var target = geometry.Layout == StageLayout.Tokens && geometry.HasClassToken
                ? teacherStages[stage - 1][.., 1..]
                : teacherStages[stage - 1];
            var mse = nn.functional.mse_loss(regressors[i].call(studentStages[stage - 1]), target.detach());
            total = total is null ? mse : total + mse;
        }
        return total!.MoveToOuterDisposeScope();
    }
}
