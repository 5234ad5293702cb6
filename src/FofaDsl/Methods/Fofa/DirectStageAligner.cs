using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Methods.Fofa;

/// <summary>
/// The ablation without region-aware attention ("FitNet"-like): student stage i goes straight to
/// teacher stage i's shape. The student map (class token dropped) is nearest-resized to the teacher's
/// <c>H x W</c>, then BatchNorm2d and a bias-free 1x1 convolution to the teacher's channels; a token
/// teacher gets the result as patch tokens <c>[B, H*W, D]</c> (no class token).
/// </summary>
public sealed class DirectStageAligner : nn.Module<Tensor, Tensor>
{
    private readonly BatchNorm2d bn;
    private readonly GemmConv2d conv;
    private readonly StageGeometry studentStage;
    private readonly StageGeometry teacherStage;
    private readonly bool classTokenLast;

    /// <summary>Creates the aligner from <paramref name="studentStage"/> to <paramref name="teacherStage"/>.</summary>
    /// <param name="studentStage">Student stage output geometry.</param>
    /// <param name="teacherStage">Teacher stage output geometry.</param>
    /// <param name="classTokenLast">Quirk 3: the student's class token is its last token.</param>
    public DirectStageAligner(StageGeometry studentStage, StageGeometry teacherStage, bool classTokenLast = false) : base(nameof(DirectStageAligner))
    {
        this.studentStage = studentStage;
        this.teacherStage = teacherStage;
        this.classTokenLast = classTokenLast;
        bn = nn.BatchNorm2d(studentStage.Channels);
        conv = new GemmConv2d(studentStage.Channels, teacherStage.Channels, 1, bias: false);
        FofaInit.Conv(conv);
        RegisterComponents();
    }

    /// <summary>Student stage output to the teacher's layout (patch tokens only for token teachers).</summary>
    public override Tensor forward(Tensor studentFeature)
    {
        using var scope = NewDisposeScope();
        var map = ClassTokenPlacement.ToSpatial(studentFeature, studentStage, classTokenLast);
        if (map.shape[2] != teacherStage.Height || map.shape[3] != teacherStage.Width)
            map = nn.functional.interpolate(map, size: [teacherStage.Height, teacherStage.Width], mode: InterpolationMode.Nearest);
        var aligned = conv.call(bn.call(map));
        if (teacherStage.Layout == StageLayout.Tokens) aligned = StageTensors.SpatialToTokens(aligned);
        return aligned.MoveToOuterDisposeScope();
    }
}
