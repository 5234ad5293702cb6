using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// timm's Swin <c>WindowAttention</c>: multi-head self-attention inside each window with a
/// learned relative position bias (<c>relative_position_bias_table</c>), one fused <c>qkv</c>
/// projection and the output projection <c>proj</c>. The bias, plus the shifted-window mask when
/// given, is the additive <c>attn_mask</c> of scaled dot-product attention.
/// </summary>
public sealed class WindowAttention : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly Linear qkv;
    private readonly Linear proj;
    private readonly Parameter relative_position_bias_table;
    // Recomputable from the window size, so kept out of state_dict as in timm 0.9+ (and moved
    // by _toEpilog, which TorchSharp does not do for non-persistent buffers).
    private Tensor relative_position_index;

    private readonly int heads;
    private readonly int tokensPerWindow;

    /// <summary>Creates attention of width <paramref name="dim"/> with <paramref name="heads"/> heads over <paramref name="window"/> x <paramref name="window"/> windows.</summary>
    public WindowAttention(int dim, int heads, int window) : base(nameof(WindowAttention))
    {
        if (heads < 1 || dim % heads != 0) throw new ArgumentException($"Heads {heads} must divide the width {dim}.", nameof(heads));
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(window), window, "The window must be at least 1.");
        this.heads = heads;
        tokensPerWindow = window * window;
        relative_position_bias_table = nn.Parameter(zeros((2 * window - 1) * (2 * window - 1), heads));
        relative_position_index = ShiftedWindows.RelativePositionIndex(window).DetachFromDisposeScope();
        register_buffer(nameof(relative_position_index), relative_position_index, persistent: false);
        qkv = nn.Linear(dim, 3 * dim);
        proj = nn.Linear(dim, dim);
        RegisterComponents();
        TruncatedNormal.Fill(relative_position_bias_table, std: 0.02);
    }

    /// <summary>
    /// Windows <c>[B * nW, N, C]</c> (batch-major, as <see cref="ShiftedWindows.Partition"/> makes
    /// them) to attended windows of the same shape. <paramref name="mask"/> is null or the
    /// additive <c>[nW, N, N]</c> mask of <see cref="ShiftedWindows.AttentionMask"/>.
    /// </summary>
    public override Tensor forward(Tensor windows, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        var (windowBatch, count, dim) = (windows.shape[0], windows.shape[1], windows.shape[2]);
        if (count != tokensPerWindow)
            throw new ArgumentException($"Expected windows of {tokensPerWindow} tokens, got {count}.", nameof(windows));

        // [B*nW, N, 3C] -> [3, B*nW, heads, N, C/heads], the layout timm's checkpoints assume.
        var parts = qkv.call(windows).reshape(windowBatch, count, 3, heads, dim / heads).permute(2, 0, 3, 1, 4);
        var (q, k, v) = (parts[0], parts[1], parts[2]);
        var bias = RelativePositionBias();
        Tensor attended;
        if (mask is null)
        {
            attended = nn.functional.scaled_dot_product_attention(q, k, v, bias.unsqueeze(0));
        }
        else
        {
            // Windows are batch-major, so [B*nW, heads] is a view of [B, nW*heads]: the combined
            // [nW*heads, N, N] mask then broadcasts over the batch instead of being copied B times.
            var windowCount = mask.shape[0];
            var images = windowBatch / windowCount;
            var combined = (bias.unsqueeze(0) + mask.unsqueeze(1)).reshape(1, windowCount * heads, count, count);
            attended = nn.functional.scaled_dot_product_attention(
                    q.reshape(images, windowCount * heads, count, -1),
                    k.reshape(images, windowCount * heads, count, -1),
                    v.reshape(images, windowCount * heads, count, -1),
                    combined)
                .reshape(windowBatch, heads, count, -1);
        }
        var merged = attended.transpose(1, 2).reshape(windowBatch, count, dim);
        return proj.call(merged).MoveToOuterDisposeScope();
    }

    /// <summary>The learned bias of every token pair and head, <c>[heads, N, N]</c>.</summary>
    public Tensor RelativePositionBias()
    {
        using var scope = NewDisposeScope();
        var bias = relative_position_bias_table.index_select(0, relative_position_index.view(-1))
            .view(tokensPerWindow, tokensPerWindow, heads)
            .permute(2, 0, 1);
        return bias.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void _toEpilog(ScalarType? dtype, Device? device, bool non_blocking)
    {
        base._toEpilog(dtype, device, non_blocking);
        relative_position_index = NonPersistentBuffer.Follow(relative_position_index, dtype, device);
        ConditionallyRegisterBuffer(nameof(relative_position_index), relative_position_index, persistent: false);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        // Module.Dispose only reaches the buffers TorchSharp lists, which excludes this one.
        if (disposing) relative_position_index.Dispose();
        base.Dispose(disposing);
    }
}
