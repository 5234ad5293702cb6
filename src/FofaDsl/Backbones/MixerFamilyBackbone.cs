using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// The frame timm's Mixer family shares (<see cref="MlpMixer"/>, <see cref="ResMlp"/>): the stem (patch embedding to
/// tokens <c>[B, L, D]</c>, no class token), four stages of consecutive blocks ending at <see cref="StageEnds"/>, and
/// the head (final <c>norm</c>, mean over tokens, <c>head</c>). The family members differ only in their blocks and
/// final norm. Field names are timm's parameter prefixes; TorchSharp (0.104 and later) registers a base class's fields
/// under their names, so the state dicts still load by name.
/// </summary>
/// <typeparam name="TBlock">The family member's block.</typeparam>
public abstract class MixerFamilyBackbone<TBlock> : StagedBackbone where TBlock : nn.Module<Tensor, Tensor>
{
    private readonly PatchEmbedding stem;
    private readonly ModuleList<TBlock> blocks;
    private readonly nn.Module<Tensor, Tensor> norm;
    private readonly Linear head;

    private readonly int[] stageEnds;
    private readonly int embedDim;
    private readonly int numClasses;
    private readonly StageGeometry tokenGeometry;
    private readonly StageGeometry[] stageGeometries;

    /// <summary>Builds the frame around <paramref name="blocks"/> and <paramref name="norm"/>, initialised as timm does (the head starts at zero).</summary>
    private protected MixerFamilyBackbone(string name, int inputChannels, int embedDim, int patchSize, int gridSize, IReadOnlyList<int> stageEnds,
        int numClasses, IEnumerable<TBlock> blocks, nn.Module<Tensor, Tensor> norm) : base(name)
    {
        this.stageEnds = [.. stageEnds];
        this.embedDim = embedDim;
        this.numClasses = numClasses;
        stem = new PatchEmbedding(inputChannels, embedDim, patchSize);
        this.blocks = new ModuleList<TBlock>([.. blocks]);
        this.norm = norm;
        head = nn.Linear(embedDim, numClasses);

        // Blocks keep the token shape, so the stem and every stage share one geometry.
        tokenGeometry = StageGeometry.Tokens(embedDim, gridSize, gridSize, hasClassToken: false);
        stageGeometries = [tokenGeometry, tokenGeometry, tokenGeometry, tokenGeometry];
        RegisterComponents();
        MixerInitialization.Apply(this);
    }

    /// <summary>The 0-based block that ends each stage (inclusive).</summary>
    public IReadOnlyList<int> StageEnds => stageEnds;

    /// <inheritdoc />
    public override StageGeometry StemGeometry => tokenGeometry;

    /// <inheritdoc />
    public override IReadOnlyList<StageGeometry> StageGeometries => stageGeometries;

    /// <inheritdoc />
    public override int NumClasses => numClasses;

    /// <summary>Images <c>[B, C, H, W]</c> to patch tokens <c>[B, L, D]</c>.</summary>
    public override Tensor ForwardStem(Tensor images) => stem.call(images);

    /// <inheritdoc />
    public override Tensor ForwardStage(int stage, Tensor input) => BlockStages.Run(blocks, stageEnds, stage, input);

    /// <inheritdoc />
    public override IReadOnlyList<Func<Tensor, Tensor>> StageSegments(int stage) => BlockStages.Segments(blocks, stageEnds, stage);

    /// <inheritdoc />
    public override int EmbeddingWidth => embedDim;

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
