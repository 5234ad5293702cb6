using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// timm's <c>SwinTransformerBlock</c> on a <c>[B, H, W, C]</c> grid:
/// <c>x + drop_path(window_attn(norm1(x)))</c>, then <c>x + drop_path(mlp(norm2(x)))</c>. With a
/// shift, the grid is rolled up and left by the shift before the windows are cut and rolled
/// back after, and <c>attn_mask</c> keeps tokens that wrapped around apart.
/// </summary>
public sealed class SwinTransformerBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly WindowAttention attn;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    // Null without a shift; recomputable from the geometry, so kept out of state_dict as in
    // timm 0.9+ (and moved by _toEpilog, which TorchSharp does not do for non-persistent buffers).
    private Tensor? attn_mask;

    private readonly int resolution;
    private readonly int window;
    private readonly int shift;
    private readonly double dropPathRate;

    /// <summary>
    /// Creates a block of width <paramref name="dim"/> over a <paramref name="resolution"/>-sided
    /// grid, attending in <paramref name="window"/>-sided windows rolled by <paramref name="shift"/>
    /// (0 for none), with stochastic depth <paramref name="dropPathRate"/> in training.
    /// </summary>
    public SwinTransformerBlock(int dim, int heads, int resolution, int window, int shift, int mlpHiddenDim, double dropPathRate = 0.0)
        : base(nameof(SwinTransformerBlock))
    {
        if (window < 1 || resolution % window != 0)
            throw new ArgumentException($"The resolution {resolution} is not divisible by the window {window}.", nameof(window));
        if (shift < 0 || shift >= window) throw new ArgumentOutOfRangeException(nameof(shift), shift, $"The shift must be in 0..{window - 1}.");
        if (!(dropPathRate >= 0 && dropPathRate < 1)) throw new ArgumentOutOfRangeException(nameof(dropPathRate), dropPathRate, "The rate must be in [0, 1).");
        this.resolution = resolution;
        this.window = window;
        this.shift = shift;
        this.dropPathRate = dropPathRate;

        norm1 = nn.LayerNorm(dim);
        attn = new WindowAttention(dim, heads, window);
        norm2 = nn.LayerNorm(dim);
        mlp = new Mlp(dim, mlpHiddenDim);
        if (shift > 0)
        {
            attn_mask = ShiftedWindows.AttentionMask(resolution, resolution, window, shift).DetachFromDisposeScope();
            register_buffer(nameof(attn_mask), attn_mask, persistent: false);
        }
        RegisterComponents();
    }

    /// <summary>Side of the attention windows.</summary>
    public int WindowSize => window;

    /// <summary>Cyclic shift before the windows are cut (0: plain windows).</summary>
    public int ShiftSize => shift;

    /// <summary>The additive <c>[nW, N, N]</c> mask of the shifted windows (see <see cref="ShiftedWindows.AttentionMask"/>), or null without a shift.</summary>
    public Tensor? AttentionMask => attn_mask;

    /// <summary>Probability of dropping each residual branch per sample in training.</summary>
    public double DropPathRate => dropPathRate;

    /// <summary><c>[B, H, W, C]</c> to the same shape.</summary>
    public override Tensor forward(Tensor grid)
    {
        using var scope = NewDisposeScope();
        if (grid.shape[1] != resolution || grid.shape[2] != resolution)
            throw new ArgumentException($"Expected a {resolution}x{resolution} grid, got {grid.shape[1]}x{grid.shape[2]}.", nameof(grid));
        var x = grid + DropPath(AttendInWindows(norm1.call(grid)));
        x = x + DropPath(mlp.call(norm2.call(x)));
        return x.MoveToOuterDisposeScope();
    }

    private Tensor AttendInWindows(Tensor grid)
    {
        var shifted = shift > 0 ? grid.roll([-shift, -shift], [1, 2]) : grid;
        var windows = ShiftedWindows.Partition(shifted, window);
        var attended = ShiftedWindows.Merge(attn.call(windows, attn_mask), window, resolution, resolution);
        return shift > 0 ? attended.roll([shift, shift], [1, 2]) : attended;
    }

    // Stochastic depth per sample: drops the whole branch of a sample with probability
    // dropPathRate and scales the kept ones by 1 / (1 - rate), as timm's DropPath.
    private Tensor DropPath(Tensor branch)
    {
        if (!training || dropPathRate == 0.0) return branch;
        var keep = 1.0 - dropPathRate;
        var shape = new long[branch.dim()];
        Array.Fill(shape, 1L);
        shape[0] = branch.shape[0];
        var kept = empty(shape, branch.dtype, branch.device).bernoulli_(keep).div_(keep);
        return branch * kept;
    }

    /// <inheritdoc />
    protected override void _toEpilog(ScalarType? dtype, Device? device, bool non_blocking)
    {
        base._toEpilog(dtype, device, non_blocking);
        if (attn_mask is null) return;
        attn_mask = NonPersistentBuffer.Follow(attn_mask, dtype, device);
        ConditionallyRegisterBuffer(nameof(attn_mask), attn_mask, persistent: false);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        // Module.Dispose only reaches the buffers TorchSharp lists, which excludes this one.
        if (disposing) attn_mask?.Dispose();
        base.Dispose(disposing);
    }
}
