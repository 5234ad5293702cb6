using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// A timm-style ResMLP (timm builds it as its Mixer model with ResMLP blocks) cut into the stem
/// (patch embedding to tokens <c>[B, L, D]</c>, no class token), four stages of consecutive
/// <see cref="ResMlpBlock"/>s ending at <see cref="StageEnds"/>, and the head (final
/// <see cref="Affine"/> <c>norm</c>, mean over tokens, <c>head</c>).
/// Parameter names equal timm's, so its state dicts load by name.
/// </summary>
[StageGeometry(StageLayout.Tokens, Channels = [384, 384, 384, 384], Strides = [16, 16, 16, 16], StemChannels = 384, StemStride = 16, RoundDown = true, ReferenceWidth = 384, ReferencePatch = 16)]
public sealed class ResMlp : StagedBackbone
{
    private readonly PatchEmbedding stem;
    private readonly ModuleList<ResMlpBlock> blocks;
    private readonly Affine norm;
    private readonly Linear head;

    private readonly int[] stageEnds;
    private readonly StageGeometry tokenGeometry;
    private readonly StageGeometry[] stageGeometries;

    /// <summary>Builds the ResMLP described by <paramref name="options"/>, initialised as timm does (the head starts at zero).</summary>
    /// <exception cref="ArgumentException">When the options are invalid (e.g. the image size is not a multiple of the patch size).</exception>
    public ResMlp(ResMlpOptions options) : base(nameof(ResMlp))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        stageEnds = [.. options.StageEnds];

        var dim = options.EmbedDim;
        stem = new PatchEmbedding(options.InputChannels, dim, options.PatchSize);
        blocks = new ModuleList<ResMlpBlock>();
        for (var i = 0; i < options.Depth; i++)
            blocks.Add(new ResMlpBlock(dim, options.TokenCount, options.MlpHiddenDim, options.InitLayerScale, options.DropPathRate));
        norm = new Affine(dim);
        head = nn.Linear(dim, options.NumClasses);

        // Blocks keep the token shape, so the stem and every stage share one geometry.
        tokenGeometry = StageGeometry.Tokens(dim, options.GridSize, options.GridSize, hasClassToken: false);
        stageGeometries = [tokenGeometry, tokenGeometry, tokenGeometry, tokenGeometry];
        RegisterComponents();
        MixerInitialization.Apply(this);
    }

    /// <summary>The options this ResMLP was built from.</summary>
    public ResMlpOptions Options { get; }

    /// <summary>The 0-based block that ends each stage (inclusive).</summary>
    public IReadOnlyList<int> StageEnds => stageEnds;

    /// <inheritdoc />
    public override StageGeometry StemGeometry => tokenGeometry;

    /// <inheritdoc />
    public override IReadOnlyList<StageGeometry> StageGeometries => stageGeometries;

    /// <inheritdoc />
    public override int NumClasses => Options.NumClasses;

    /// <summary>Images <c>[B, C, H, W]</c> to patch tokens <c>[B, L, D]</c>.</summary>
    public override Tensor ForwardStem(Tensor images) => stem.call(images);

    /// <inheritdoc />
    public override Tensor ForwardStage(int stage, Tensor input) => BlockStages.Run(blocks, stageEnds, stage, input);

    /// <inheritdoc />
    public override int EmbeddingWidth => Options.EmbedDim;

    /// <inheritdoc />
    public override bool ClassifiesEmbedding => true;

    /// <summary>The final <c>norm</c>, then the mean over the tokens: what <c>head</c> reads.</summary>
    /// <param name="lastStage">Stage 4's output.</param>
    public override Tensor ForwardEmbedding(Tensor lastStage)
    {
        using var scope = NewDisposeScope();
        return norm.call(lastStage).mean([1]).MoveToOuterDisposeScope();
    }

    /// <summary><c>head</c>.</summary>
    /// <param name="embedding">Output of <see cref="ForwardEmbedding"/>.</param>
    public override Tensor ForwardClassifier(Tensor embedding) => head.call(embedding);

    /// <summary>Final norm, mean over the tokens, then <c>head</c>.</summary>
    public override Tensor ForwardHead(Tensor lastStage)
    {
        using var scope = NewDisposeScope();
        return ForwardClassifier(ForwardEmbedding(lastStage)).MoveToOuterDisposeScope();
    }
}
