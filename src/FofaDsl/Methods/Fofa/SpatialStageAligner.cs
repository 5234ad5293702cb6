using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Methods.Fofa;

/// <summary>
/// <c>Align_i</c> for a spatial teacher stage (spec section 3): an attention block <c>[B, g*g, d]</c>
/// is laid out as <c>[B, d, g, g]</c>, nearest-upsampled to the teacher's <c>H x W</c>, then
/// BatchNorm2d(d) and a bias-free 1x1 convolution to the teacher's channels.
/// </summary>
public sealed class SpatialStageAligner : nn.Module<Tensor, Tensor>
{
    private readonly BatchNorm2d bn;
    private readonly GemmConv2d conv;
    private readonly int grid;
    private readonly long[] teacherSize;

    /// <summary>Creates the aligner for blocks of <c>grid x grid</c> tokens of width <paramref name="dim"/>.</summary>
    public SpatialStageAligner(int grid, int dim, StageGeometry teacherStage) : base(nameof(SpatialStageAligner))
    {
        if (teacherStage.Layout != StageLayout.Spatial)
            throw new ArgumentException($"SpatialStageAligner needs a spatial teacher stage, got {teacherStage}.", nameof(teacherStage));
        this.grid = grid;
        teacherSize = [teacherStage.Height, teacherStage.Width];
        bn = nn.BatchNorm2d(dim);
        conv = new GemmConv2d(dim, teacherStage.Channels, 1, bias: false);
        FofaInit.Conv(conv);
        RegisterComponents();
    }

    /// <summary><c>[B, g*g, d]</c> to <c>[B, C_t, H_t, W_t]</c>.</summary>
    public override Tensor forward(Tensor block)
    {
        using var scope = NewDisposeScope();
        var map = block.transpose(1, 2).reshape(block.shape[0], block.shape[2], grid, grid);
        map = nn.functional.interpolate(map, size: teacherSize, mode: InterpolationMode.Nearest);
        return conv.call(bn.call(map)).MoveToOuterDisposeScope();
    }
}
