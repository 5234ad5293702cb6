using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// timm's Swin <c>PatchMerging</c>: every 2x2 group of tokens of a <c>[B, H, W, C]</c> grid is
/// concatenated (order (0,0), (1,0), (0,1), (1,1) as (row, column) offsets), normalised
/// (<c>norm</c>) and projected to twice the width without bias (<c>reduction</c>).
/// </summary>
public sealed class PatchMerging : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm;
    private readonly Linear reduction;

    /// <summary>Creates the merging of <paramref name="dim"/>-wide tokens into <c>2 * dim</c>-wide ones.</summary>
    public PatchMerging(int dim) : base(nameof(PatchMerging))
    {
        norm = nn.LayerNorm(4 * dim);
        reduction = nn.Linear(4 * dim, 2 * dim, hasBias: false);
        RegisterComponents();
    }

    /// <summary><c>[B, H, W, C]</c> with even H and W to <c>[B, H/2, W/2, 2C]</c>.</summary>
    public override Tensor forward(Tensor grid)
    {
        using var scope = NewDisposeScope();
        var (batch, height, width, channels) = (grid.shape[0], grid.shape[1], grid.shape[2], grid.shape[3]);
        if (height % 2 != 0 || width % 2 != 0)
            throw new ArgumentException($"Patch merging needs an even grid, got {height}x{width}.", nameof(grid));
        // [B, H/2, 2 (row), W/2, 2 (column), C] -> [B, H/2, W/2, column, row, C]: the row offset
        // varies fastest, which is the channel order of timm's (and the original) checkpoints.
        var groups = grid.reshape(batch, height / 2, 2, width / 2, 2, channels).permute(0, 1, 3, 4, 2, 5).flatten(3);
        return reduction.call(norm.call(groups)).MoveToOuterDisposeScope();
    }
}
