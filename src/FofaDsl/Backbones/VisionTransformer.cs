using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// A timm-style Vision Transformer (ViT, DeiT without distillation token) cut into the stem
/// (patch embedding, class token, position embedding), four stages of consecutive blocks ending
/// at <see cref="StageEnds"/>, and the head (final <c>norm</c>, class token, <c>head</c>).
/// Parameter names equal timm's, so its state dicts load by name.
/// </summary>
[StageGeometry(StageLayout.Tokens, Channels = [192, 192, 192, 192], Strides = [16, 16, 16, 16], StemChannels = 192, StemStride = 16, ClassToken = true, RoundDown = true, ReferenceWidth = 192, ReferencePatch = 16)]
public sealed class VisionTransformer : StagedBackbone
{
    private readonly PatchEmbedding patch_embed;
    private readonly Parameter cls_token;
    private readonly Parameter pos_embed;
    private readonly ModuleList<TransformerBlock> blocks;
    private readonly LayerNorm norm;
    private readonly Linear head;

    private readonly int[] stageEnds;
    private readonly StageGeometry tokenGeometry;
    private readonly StageGeometry[] stageGeometries;

    /// <summary>Builds the transformer described by <paramref name="options"/>, initialised as timm does.</summary>
    /// <exception cref="ArgumentException">When the options are invalid (e.g. the image size is not a multiple of the patch size).</exception>
    public VisionTransformer(VisionTransformerOptions options) : base(nameof(VisionTransformer))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        stageEnds = [.. options.ResolvedStageEnds];

        var dim = options.EmbedDim;
        var grid = options.GridSize;
        patch_embed = new PatchEmbedding(options.InputChannels, dim, options.PatchSize);
        cls_token = nn.Parameter(zeros(1, 1, dim));
        pos_embed = nn.Parameter(zeros(1, 1 + grid * grid, dim));
        blocks = new ModuleList<TransformerBlock>();
        for (var i = 0; i < options.Depth; i++) blocks.Add(new TransformerBlock(dim, options.Heads, options.MlpHiddenDim, options.BlockDropPathRate(i)));
        norm = nn.LayerNorm(dim, eps: TransformerBlock.LayerNormEpsilon);
        head = nn.Linear(dim, options.NumClasses);

        // Blocks keep the token shape, so the stem and every stage share one geometry.
        tokenGeometry = StageGeometry.Tokens(dim, grid, grid, hasClassToken: true);
        stageGeometries = [tokenGeometry, tokenGeometry, tokenGeometry, tokenGeometry];
        RegisterComponents();
        InitializeWeights();
    }

    /// <summary>The options this transformer was built from.</summary>
    public VisionTransformerOptions Options { get; }

    /// <summary>The 0-based block that ends each stage (inclusive).</summary>
    public IReadOnlyList<int> StageEnds => stageEnds;

    /// <inheritdoc />
    public override StageGeometry StemGeometry => tokenGeometry;

    /// <inheritdoc />
    public override IReadOnlyList<StageGeometry> StageGeometries => stageGeometries;

    /// <inheritdoc />
    public override int NumClasses => Options.NumClasses;

    /// <summary>Images <c>[B, C, H, W]</c> to tokens <c>[B, 1 + L, D]</c>: class token first, position embedding added.</summary>
    public override Tensor ForwardStem(Tensor images)
    {
        using var scope = NewDisposeScope();
        var patches = patch_embed.call(images);
        var classTokens = cls_token.expand(patches.shape[0], -1, -1);
        var tokens = cat([classTokens, patches], dim: 1) + pos_embed;
        return tokens.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor ForwardStage(int stage, Tensor input) => BlockStages.Run(blocks, stageEnds, stage, input);

    /// <inheritdoc />
    public override IReadOnlyList<Func<Tensor, Tensor>> StageSegments(int stage) => BlockStages.Segments(blocks, stageEnds, stage);

    /// <inheritdoc />
    public override int EmbeddingWidth => Options.EmbedDim;

    /// <inheritdoc />
    public override bool ClassifiesEmbedding => true;

    /// <summary>The class token after the final <c>norm</c> (timm's pre-logits): what <c>head</c> reads.</summary>
    /// <param name="lastStage">Stage 4's output.</param>
    public override Tensor ForwardEmbedding(Tensor lastStage)
    {
        using var scope = NewDisposeScope();
        return norm.call(lastStage)[.., 0].MoveToOuterDisposeScope();
    }

    /// <summary><c>head</c>.</summary>
    /// <param name="embedding">Output of <see cref="ForwardEmbedding"/>.</param>
    public override Tensor ForwardClassifier(Tensor embedding) => head.call(embedding);

    /// <summary>Final norm, then the class token through <c>head</c>.</summary>
    public override Tensor ForwardHead(Tensor lastStage)
    {
        using var scope = NewDisposeScope();
        return ForwardClassifier(ForwardEmbedding(lastStage)).MoveToOuterDisposeScope();
    }

    private void InitializeWeights()
    {
        using var noGrad = torch.no_grad();
        TruncatedNormal.Fill(pos_embed, std: 0.02);
        TruncatedNormal.Fill(cls_token, std: 0.02);
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
}
