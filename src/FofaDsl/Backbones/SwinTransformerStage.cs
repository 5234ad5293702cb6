using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// timm 0.9+'s <c>SwinTransformerStage</c> (one of <c>layers.{i}</c>): the patch merging
/// <c>downsample</c> FIRST (absent in layer 0), then the <c>blocks</c>, plain windows on even
/// blocks and shifted windows on odd ones. Works on <c>[B, H, W, C]</c> grids.
/// </summary>
public sealed class SwinTransformerStage : nn.Module<Tensor, Tensor>
{
    private readonly PatchMerging? downsample;
    private readonly ModuleList<SwinTransformerBlock> blocks;

    /// <summary>Builds layer <paramref name="layer"/> (0..3) of the transformer described by <paramref name="options"/>.</summary>
    public SwinTransformerStage(SwinTransformerOptions options, int layer) : base(nameof(SwinTransformerStage))
    {
        ArgumentNullException.ThrowIfNull(options);
        var dim = options.LayerDim(layer);
        if (layer > 0) downsample = new PatchMerging(options.LayerDim(layer - 1));
        blocks = new ModuleList<SwinTransformerBlock>();
        for (var i = 0; i < options.Depths[layer]; i++)
        {
            blocks.Add(new SwinTransformerBlock(
                dim,
                options.Heads[layer],
                options.LayerResolution(layer),
                options.LayerWindowSize(layer),
                shift: i % 2 == 0 ? 0 : options.LayerShiftSize(layer),
                options.LayerMlpHiddenDim(layer),
                options.BlockDropPathRate(layer, i)));
        }
        RegisterComponents();
    }

    /// <summary>The blocks of this layer, in order.</summary>
    public IReadOnlyList<SwinTransformerBlock> Blocks => [.. blocks];

    /// <summary><c>[B, H, W, C]</c> to <c>[B, H/2, W/2, 2C]</c> (or the same shape in layer 0).</summary>
    public override Tensor forward(Tensor grid)
    {
        using var scope = NewDisposeScope();
        var x = downsample is null ? grid : downsample.call(grid);
        foreach (var block in blocks) x = block.call(x);
        return x.MoveToOuterDisposeScope();
    }
}
