using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Methods.FitNet;

/// <summary>
/// FitNet's hint regressor (Romero et al. 2015) for one stage pair: a learned map from the student
/// stage output to the teacher stage's shape, whatever the two layouts are.
/// <list type="bullet">
/// <item>spatial to spatial: 1x1 convolution, then nearest resize when the sizes differ;</item>
/// <item>spatial to tokens: a patch embedding (convolution with kernel = stride = student size /
/// token grid) onto the teacher's patch grid; when the student map is smaller than the grid, a
/// 1x1 channel expansion and nearest upsampling instead (token merging in reverse);</item>
/// <item>tokens to spatial: the patch tokens (class token dropped) laid out as a map, 1x1
/// convolution, nearest resize;</item>
/// <item>tokens to tokens: a Linear over the width, and a nearest resize of the token grid (through its
/// spatial view) when the grids differ.</item>
/// </list>
/// A token teacher is matched by its patch tokens <c>[B, H*W, D]</c>: the output has no class token.
/// </summary>
public sealed class FitNetRegressor : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> proj;
    private readonly StageGeometry studentStage;
    private readonly StageGeometry teacherStage;
    private readonly long[] teacherSize;

    /// <summary>Creates the regressor from <paramref name="studentStage"/> to <paramref name="teacherStage"/>.</summary>
    public FitNetRegressor(StageGeometry studentStage, StageGeometry teacherStage) : base(nameof(FitNetRegressor))
    {
        this.studentStage = studentStage;
        this.teacherStage = teacherStage;
        teacherSize = [teacherStage.Height, teacherStage.Width];
        Kind = KindFor(studentStage, teacherStage);
        proj = Kind switch
        {
            FitNetProjection.PatchEmbedding => PatchEmbedding(studentStage, teacherStage),
            FitNetProjection.Linear => nn.Linear(studentStage.Channels, teacherStage.Channels),
            _ => nn.Conv2d(studentStage.Channels, teacherStage.Channels, 1),
        };
        if (proj is Conv2d conv) FofaInit.Conv(conv);
        if (proj is Linear linear) FofaInit.Linear(linear);
        RegisterComponents();
    }

    /// <summary>Which learned projection the pair of layouts and sizes calls for.</summary>
    public FitNetProjection Kind { get; }

    /// <summary>Shape of the output for a batch of <paramref name="batch"/>: the teacher stage's, without a class token.</summary>
    public long[] OutputShape(long batch) => teacherStage.Layout == StageLayout.Spatial
        ? [batch, teacherStage.Channels, teacherStage.Height, teacherStage.Width]
        : [batch, teacherStage.Positions, teacherStage.Channels];

    /// <summary>Student stage output to the teacher stage's shape (patch tokens only for token teachers).</summary>
    public override Tensor forward(Tensor studentFeature)
    {
        using var scope = NewDisposeScope();
        var batch = studentFeature.shape[0];
        Tensor map;
        if (Kind == FitNetProjection.Linear)
        {
            // Project the tokens first: the width change is per token, the grid change is spatial.
            var patches = studentStage.HasClassToken ? studentFeature[.., 1..] : studentFeature;
            var widened = proj.call(patches);
            if (studentStage.Height == teacherStage.Height && studentStage.Width == teacherStage.Width)
                return widened.MoveToOuterDisposeScope();
            map = widened.transpose(1, 2).reshape(batch, teacherStage.Channels, studentStage.Height, studentStage.Width);
        }
        else
        {
            map = proj.call(StageTensors.ToSpatial(studentFeature, studentStage));
        }
        if (map.shape[2] != teacherStage.Height || map.shape[3] != teacherStage.Width)
            map = nn.functional.interpolate(map, size: teacherSize, mode: InterpolationMode.Nearest);
        var aligned = teacherStage.Layout == StageLayout.Tokens ? StageTensors.SpatialToTokens(map) : map;
        return aligned.MoveToOuterDisposeScope();
    }

    private static FitNetProjection KindFor(StageGeometry student, StageGeometry teacher)
    {
        if (student.Layout == StageLayout.Tokens && teacher.Layout == StageLayout.Tokens) return FitNetProjection.Linear;
        var patchable = student.Layout == StageLayout.Spatial && teacher.Layout == StageLayout.Tokens
            && student.Height >= teacher.Height && student.Width >= teacher.Width;
        return patchable ? FitNetProjection.PatchEmbedding : FitNetProjection.Conv1x1;
    }

    // Kernel = stride = how many student pixels one teacher token covers; a size that does not
    // divide leaves a border that the final resize absorbs.
    private static Conv2d PatchEmbedding(StageGeometry student, StageGeometry teacher)
    {
        long patchHeight = student.Height / teacher.Height, patchWidth = student.Width / teacher.Width;
        return nn.Conv2d(student.Channels, teacher.Channels, (patchHeight, patchWidth), stride: (patchHeight, patchWidth));
    }
}
