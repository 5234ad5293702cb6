using System.Globalization;
using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// A timm 0.9+ Swin Transformer (Swin-T, Swin-P, ...) cut into the stem (<c>patch_embed</c>
/// with its norm), four stages (stage i = <c>layers.{i-1}</c>: its patch merging, if any, then
/// its blocks) and the head (final <c>norm</c>, mean over tokens, <c>head.fc</c>). Stage
/// inputs and outputs are patch tokens <c>[B, H*W, C]</c> without class token; inside a stage
/// the tokens are a <c>[B, H, W, C]</c> grid. Parameter names equal timm 0.9+'s, so its state
/// dicts load by name; older checkpoints need <see cref="RemapLegacyKeys"/>.
/// </summary>
[StageGeometry(StageLayout.Tokens, Channels = [96, 192, 384, 768], Strides = [4, 8, 16, 32], StemChannels = 96, StemStride = 4, RoundDown = true, ReferenceWidth = 96, ReferencePatch = 4)]
public sealed class SwinTransformer : StagedBackbone, Weights.ICheckpointKeyMapper
{
    private readonly SwinPatchEmbedding patch_embed;
    private readonly ModuleList<SwinTransformerStage> layers;
    private readonly LayerNorm norm;
    private readonly SwinClassifierHead head;

    private readonly StageGeometry stemGeometry;
    private readonly StageGeometry[] stageGeometries;

    /// <summary>Builds the transformer described by <paramref name="options"/>, initialised as timm does.</summary>
    /// <exception cref="ArgumentException">When the options are invalid (e.g. a stage's resolution is not a multiple of its window).</exception>
    public SwinTransformer(SwinTransformerOptions options) : base(nameof(SwinTransformer))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;

        patch_embed = new SwinPatchEmbedding(options.InputChannels, options.EmbedDim, options.PatchSize);
        layers = new ModuleList<SwinTransformerStage>();
        for (var layer = 0; layer < SwinTransformerOptions.LayerCount; layer++) layers.Add(new SwinTransformerStage(options, layer));
        var lastDim = options.LayerDim(SwinTransformerOptions.LayerCount - 1);
        norm = nn.LayerNorm(lastDim);
        head = new SwinClassifierHead(lastDim, options.NumClasses);

        stemGeometry = StageGeometry.Tokens(options.EmbedDim, options.GridSize, options.GridSize, hasClassToken: false);
        stageGeometries = [.. Enumerable.Range(0, SwinTransformerOptions.LayerCount).Select(layer =>
            StageGeometry.Tokens(options.LayerDim(layer), options.LayerResolution(layer), options.LayerResolution(layer), hasClassToken: false))];
        RegisterComponents();
        InitializeWeights();
    }

    /// <summary>The options this transformer was built from.</summary>
    public SwinTransformerOptions Options { get; }

    /// <summary>The four layers (<c>layers.0..3</c>); layer i is stage i + 1.</summary>
    public IReadOnlyList<SwinTransformerStage> Layers => [.. layers];

    /// <inheritdoc />
    public override StageGeometry StemGeometry => stemGeometry;

    /// <inheritdoc />
    public override IReadOnlyList<StageGeometry> StageGeometries => stageGeometries;

    /// <inheritdoc />
    public override int NumClasses => Options.NumClasses;

    /// <summary>Images <c>[B, C, H, W]</c> to normalised patch tokens <c>[B, (H/P)*(W/P), D]</c>.</summary>
    public override Tensor ForwardStem(Tensor images)
    {
        using var scope = NewDisposeScope();
        return GridToTokens(patch_embed.call(images)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor ForwardStage(int stage, Tensor input)
    {
        if (stage is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(stage), stage, "Stages are numbered 1..4.");
        ArgumentNullException.ThrowIfNull(input);
        var expected = StageInputGeometry(stage);
        if (input.dim() != 3 || input.shape[1] != expected.TokenCount || input.shape[2] != expected.Channels)
            throw new ArgumentException(
                $"Stage {stage} expects tokens [B, {expected.TokenCount}, {expected.Channels}], got [{string.Join(", ", input.shape)}].", nameof(input));
        using var scope = NewDisposeScope();
        var grid = input.reshape(input.shape[0], expected.Height, expected.Width, expected.Channels);
        return GridToTokens(layers[stage - 1].call(grid)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override int EmbeddingWidth => Options.LayerDim(SwinTransformerOptions.LayerCount - 1);

    /// <inheritdoc />
    public override bool ClassifiesEmbedding => true;

    /// <summary>The final <c>norm</c>, then the mean over the tokens (<see cref="SwinClassifierHead.Pool"/>): what <c>head.fc</c> reads.</summary>
    /// <param name="lastStage">Stage 4's output.</param>
    public override Tensor ForwardEmbedding(Tensor lastStage)
    {
        using var scope = NewDisposeScope();
        return head.Pool(norm.call(lastStage)).MoveToOuterDisposeScope();
    }

    /// <summary><c>head.fc</c>.</summary>
    /// <param name="embedding">Output of <see cref="ForwardEmbedding"/>.</param>
    public override Tensor ForwardClassifier(Tensor embedding) => head.Classify(embedding);

    /// <summary>Final norm, mean over the tokens, then <c>head.fc</c>.</summary>
    public override Tensor ForwardHead(Tensor lastStage)
    {
        using var scope = NewDisposeScope();
        return ForwardClassifier(ForwardEmbedding(lastStage)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Maps the keys of a timm 0.6.x (or original Microsoft) Swin checkpoint to this layout:
    /// patch merging moves from the END of layers 0..2 to the START of layers 1..3
    /// (<c>layers.{i}.downsample.*</c> to <c>layers.{i+1}.downsample.*</c>) and the classifier
    /// moves into the head (<c>head.weight/bias</c> to <c>head.fc.weight/bias</c>). As timm's
    /// filter does, keys are taken as already current when <c>head.fc.weight</c> is among them,
    /// and the recomputed buffers (<c>*relative_position_index</c>, <c>*attn_mask</c>) are left out.
    /// </summary>
    /// <returns>Old key to new key, for every key kept, in input order.</returns>
    public static IReadOnlyDictionary<string, string> RemapLegacyKeys(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var all = keys.ToList();
        var legacy = !all.Contains("head.fc.weight");
        var mapped = new Dictionary<string, string>();
        foreach (var key in all)
        {
            if (key.EndsWith("relative_position_index", StringComparison.Ordinal) || key.EndsWith("attn_mask", StringComparison.Ordinal)) continue;
            mapped[key] = legacy ? RemapLegacyKey(key) : key;
        }
        return mapped;
    }

    private static string RemapLegacyKey(string key)
    {
        if (key is "head.weight" or "head.bias") return "head.fc." + key["head.".Length..];
        var parts = key.Split('.');
        if (parts.Length > 2 && parts[0] == "layers" && parts[2] == "downsample"
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var layer))
        {
            parts[1] = (layer + 1).ToString(CultureInfo.InvariantCulture);
            return string.Join('.', parts);
        }
        return key;
    }

    // [B, H, W, C] grids to [B, H*W, C] tokens in row-major order (timm's NHWC flattening).
    private static Tensor GridToTokens(Tensor grid) => grid.reshape(grid.shape[0], grid.shape[1] * grid.shape[2], grid.shape[3]);

    // timm's init_weights_vit_timm: truncated normal Linear weights, zero biases; the patch
    // convolution keeps PyTorch's default and the bias tables were filled by WindowAttention.
    private void InitializeWeights()
    {
        using var noGrad = torch.no_grad();
        foreach (var module in modules())
        {
            switch (module)
            {
                case Linear linear:
                    TruncatedNormal.Fill(linear.weight, std: 0.02);
                    if (linear.bias is not null) nn.init.zeros_(linear.bias);
                    break;
                case LayerNorm layerNorm:
                    nn.init.ones_(layerNorm.weight);
                    nn.init.zeros_(layerNorm.bias);
                    break;
            }
        }
    }

    /// <summary>Accepts timm 0.6 checkpoints (patch merging at the end of a layer) as well as 0.9+ ones; see <see cref="RemapLegacyKeys"/>.</summary>
    public IReadOnlyDictionary<string, string> MapCheckpointKeys(IReadOnlyCollection<string> fileKeys) => RemapLegacyKeys(fileKeys);
}
