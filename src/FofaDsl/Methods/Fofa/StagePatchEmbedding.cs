using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Methods.Fofa;

/// <summary>
/// Cuts one student stage into a fixed <c>g x g</c> grid of <c>d</c>-wide tokens (spec section 3):
/// patch size <c>p = ceil(H / g)</c>, nearest upsampling to <c>p * g</c> when the map is smaller,
/// then a <c>p x p</c> convolution with stride <c>p</c>. Output <c>[B, g*g, d]</c>.
/// </summary>
public sealed class StagePatchEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly GemmConv2d proj;
    private readonly StageGeometry stage;
    private readonly long[] paddedSize;
    private readonly bool classTokenLast;

    /// <summary>Creates the embedding for a stage of shape <paramref name="stage"/>.</summary>
    /// <param name="stage">The student stage's output geometry.</param>
    /// <param name="grid">Side <c>g</c> of the output grid.</param>
    /// <param name="dim">Token width <c>d</c>.</param>
    /// <param name="classTokenLast">Quirk 3: drop the last token instead of the first as the class token.</param>
    public StagePatchEmbedding(StageGeometry stage, int grid, int dim, bool classTokenLast = false) : base(nameof(StagePatchEmbedding))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(grid);
        this.stage = stage;
        this.classTokenLast = classTokenLast;
        // Height and width get their own patch size so non-square maps work; square maps follow the spec exactly.
        PatchHeight = (stage.Height + grid - 1) / grid;
        PatchWidth = (stage.Width + grid - 1) / grid;
        paddedSize = [PatchHeight * grid, PatchWidth * grid];
        proj = new GemmConv2d(stage.Channels, dim, (PatchHeight, PatchWidth), stride: (PatchHeight, PatchWidth));
        FofaInit.Conv(proj);
        RegisterComponents();
    }

    /// <summary>Patch height <c>ceil(H / g)</c>.</summary>
    public int PatchHeight { get; }

    /// <summary>Patch width <c>ceil(W / g)</c>.</summary>
    public int PatchWidth { get; }

    /// <summary>Stage output (its own layout) to <c>[B, g*g, d]</c>.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = ClassTokenPlacement.ToSpatial(input, stage, classTokenLast);
        if (x.shape[2] < paddedSize[0] || x.shape[3] < paddedSize[1])
            x = nn.functional.interpolate(x, size: paddedSize, mode: InterpolationMode.Nearest);
        return proj.call(x).flatten(2).transpose(1, 2).MoveToOuterDisposeScope();
    }
}
