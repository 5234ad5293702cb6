using FofaDsl.Backbones;
using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Methods.Ofa;

/// <summary>
/// OFA-KD's exit branch for one student stage: it maps the stage output to class logits so that the
/// stage can be distilled in the logit space, whatever the teacher's architecture.
/// <list type="bullet">
/// <item>spatial stages: depthwise-separable blocks of stride 2 until the map is at most
/// <see cref="TargetGrid"/> on a side (at least one block; the last widens to <c>width</c>, the others
/// double the channels), global average pooling and a Linear;</item>
/// <item>token stages: the patch tokens (class token dropped) as a grid, 2x2 patch merging
/// (<c>4C -> 2C</c>) while the grid is larger than <see cref="TargetGrid"/> and even, a Linear to
/// <c>width</c>, transformer blocks, mean pooling over tokens and a Linear.</item>
/// </list>
/// </summary>
public sealed class OfaBranch : nn.Module<Tensor, Tensor>
{
    /// <summary>The side the branch reduces a stage to before pooling (7, as in OFA-KD's 224-pixel branches).</summary>
    public const int TargetGrid = 7;

    private readonly ModuleList<PatchMerging> merges;
    private readonly Linear? proj;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> blocks;
    private readonly Linear head;
    private readonly StageGeometry stage;

    /// <summary>Creates the branch of a stage of geometry <paramref name="stage"/>.</summary>
    /// <param name="stage">The student stage output geometry.</param>
    /// <param name="numClasses">Number of logits.</param>
    /// <param name="width">Width of the branch's last features (the pooled vector the Linear reads).</param>
    /// <param name="transformerBlocks">Transformer blocks of a token branch (ignored for spatial stages).</param>
    /// <param name="heads">Attention heads of those blocks; must divide <paramref name="width"/>.</param>
    public OfaBranch(StageGeometry stage, int numClasses, int width, int transformerBlocks = 1, int heads = 4) : base(nameof(OfaBranch))
    {
        if (numClasses < 1) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "At least one class is needed.");
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "The branch width must be positive.");
        this.stage = stage;
        merges = new ModuleList<PatchMerging>();
        blocks = new ModuleList<nn.Module<Tensor, Tensor>>();
        if (stage.Layout == StageLayout.Spatial)
        {
            BuildConvBlocks(stage, width);
        }
        else
        {
            if (transformerBlocks < 1) throw new ArgumentOutOfRangeException(nameof(transformerBlocks), transformerBlocks, "A token branch needs at least one transformer block.");
            if (heads < 1 || width % heads != 0) throw new ArgumentException($"Heads {heads} must be positive and divide the branch width {width}.", nameof(heads));
            var channels = BuildMerges(stage);
            if (channels != width) proj = nn.Linear(channels, width);
            for (var i = 0; i < transformerBlocks; i++) blocks.Add(new TransformerBlock(width, heads, 4 * width));
        }
        head = nn.Linear(width, numClasses);
        RegisterComponents();
        // OFA-KD's init_weights: Kaiming (fan-out) convolutions, truncated-normal Linears, zero biases.
        foreach (var module in modules())
        {
            if (module is Conv2d conv) FofaInit.Conv(conv);
            else if (module is Linear linear) FofaInit.Linear(linear);
        }
    }

    /// <summary>Number of 2x2 patch mergings (token stages) or depthwise-separable blocks (spatial stages).</summary>
    public int Reductions => stage.Layout == StageLayout.Spatial ? blocks.Count : merges.Count;

    /// <summary>Stage output (<c>[B, C, H, W]</c> or <c>[B, L, D]</c>) to logits <c>[B, classes]</c>.</summary>
    public override Tensor forward(Tensor feature)
    {
        using var scope = NewDisposeScope();
        Tensor pooled;
        if (stage.Layout == StageLayout.Spatial)
        {
            var map = feature;
            foreach (var block in blocks) map = block.call(map);
            pooled = map.mean([2, 3]);
        }
        else
        {
            var grid = StageTensors.ToSpatial(feature, stage).permute(0, 2, 3, 1); // [B, H, W, C]
            foreach (var merge in merges) grid = merge.call(grid);
            var tokens = grid.flatten(1, 2);
            if (proj is not null) tokens = proj.call(tokens);
            foreach (var block in blocks) tokens = block.call(tokens);
            pooled = tokens.mean([1]);
        }
        return head.call(pooled).MoveToOuterDisposeScope();
    }

    private void BuildConvBlocks(StageGeometry spatial, int width)
    {
        var side = Math.Max(spatial.Height, spatial.Width);
        var count = 0;
        for (var s = side; s > TargetGrid; s = (s + 1) / 2) count++;
        count = Math.Max(count, 1);
        var channels = spatial.Channels;
        for (var i = 0; i < count; i++)
        {
            var output = i == count - 1 ? width : 2 * channels;
            // A 3x3 stride-2 convolution with padding 1 takes a side s to ceil(s / 2).
            var stride = side > TargetGrid ? 2 : 1;
            blocks.Add(new DepthwiseSeparableBlock(channels, output, stride));
            channels = output;
            if (stride == 2) side = (side + 1) / 2;
        }
    }

    private int BuildMerges(StageGeometry tokens)
    {
        int height = tokens.Height, width = tokens.Width, channels = tokens.Channels;
        while (Math.Max(height, width) > TargetGrid && height % 2 == 0 && width % 2 == 0)
        {
            merges.Add(new PatchMerging(channels));
            (height, width, channels) = (height / 2, width / 2, 2 * channels);
        }
        return channels;
    }
}
