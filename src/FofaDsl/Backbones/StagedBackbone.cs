using FofaDsl.Stages;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// An image classifier cut into a stem, four stages and a head, so that distillation can read
/// each stage's output and insert prompts before each stage's input.
/// </summary>
public abstract class StagedBackbone : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module; subclasses register their components.</summary>
    protected StagedBackbone(string name) : base(name) { }

    /// <summary>Output of the stem, which is the input of stage 1.</summary>
    public abstract StageGeometry StemGeometry { get; }

    /// <summary>Outputs of stages 1..4 (index 0..3) at the configured image size.</summary>
    public abstract IReadOnlyList<StageGeometry> StageGeometries { get; }

    /// <summary>Number of classes the head predicts.</summary>
    public abstract int NumClasses { get; }

    /// <summary>Images <c>[B, C, H, W]</c> to the input of stage 1.</summary>
    public abstract Tensor ForwardStem(Tensor images);

    /// <summary>Runs stage <paramref name="stage"/> (1..4) on its input.</summary>
    public abstract Tensor ForwardStage(int stage, Tensor input);

    /// <summary>
    /// Stage <paramref name="stage"/> (1..4) as consecutive parts whose composition is <see cref="ForwardStage"/>: the unit
    /// FOFA recomputes in the backward pass (it keeps each part's input and holds one part's activations at a time).
    /// By default the whole stage is one part; backbones built of blocks return their blocks.
    /// </summary>
    public virtual IReadOnlyList<Func<Tensor, Tensor>> StageSegments(int stage) => [input => ForwardStage(stage, input)];

    /// <summary>Stage 4's output to class logits <c>[B, classes]</c>.</summary>
    public abstract Tensor ForwardHead(Tensor lastStage);

    /// <summary>
    /// Width of <see cref="ForwardEmbedding"/>'s output: by default stage 4's channels. Built-in
    /// backbones return the width their classifier reads.
    /// </summary>
    public virtual int EmbeddingWidth => StageGeometries[3].Channels;

    /// <summary>
    /// Whether <see cref="ForwardClassifier"/> maps the embedding to the logits, i.e. whether
    /// <c>ForwardHead(x) == ForwardClassifier(ForwardEmbedding(x))</c>. True for every built-in backbone;
    /// a user model that only overrides <see cref="ForwardHead"/> keeps false.
    /// </summary>
    public virtual bool ClassifiesEmbedding => false;

    /// <summary>
    /// Stage 4's output to the pooled features <c>[B, EmbeddingWidth]</c> that relation and contrastive
    /// distillation (CC, RKD, CRD) compare. By default the global average of stage 4: the mean over
    /// <c>H, W</c> of a spatial map, or over the patch tokens of a token stage (a class token excluded).
    /// Built-in backbones override it with exactly what their classifier reads.
    /// </summary>
    /// <param name="lastStage">Stage 4's output.</param>
    public virtual Tensor ForwardEmbedding(Tensor lastStage)
    {
        var geometry = StageGeometries[3];
        if (geometry.Layout == StageLayout.Spatial) return lastStage.mean([2, 3]);
        using var scope = NewDisposeScope();
        var patches = geometry.HasClassToken ? lastStage[.., 1..] : lastStage;
        return patches.mean([1]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The classifier alone: embedding <c>[B, EmbeddingWidth]</c> to logits, when
    /// <see cref="ClassifiesEmbedding"/>; throws <see cref="NotSupportedException"/> otherwise.
    /// </summary>
    /// <param name="embedding">Output of <see cref="ForwardEmbedding"/>.</param>
    public virtual Tensor ForwardClassifier(Tensor embedding) =>
        throw new NotSupportedException($"{GetType().Name} does not expose its classifier separately; use ForwardHead on stage 4's output.");

    /// <summary>Geometry of the input of stage <paramref name="stage"/> (1..4).</summary>
    public StageGeometry StageInputGeometry(int stage) => stage == 1 ? StemGeometry : StageGeometries[stage - 2];

    /// <summary>Plain classification: stem, four stages, head.</summary>
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var x = ForwardStem(images);
        for (var stage = 1; stage <= 4; stage++) x = ForwardStage(stage, x);
        return ForwardHead(x).MoveToOuterDisposeScope();
    }

    /// <summary>Classification that also returns the four stage outputs.</summary>
    public virtual (Tensor Logits, Tensor[] Stages) ForwardWithStages(Tensor images)
    {
        using var scope = NewDisposeScope();
        var stages = new Tensor[4];
        var x = ForwardStem(images);
        for (var stage = 1; stage <= 4; stage++) x = stages[stage - 1] = ForwardStage(stage, x);
        var logits = ForwardHead(x);
        foreach (var s in stages) s.MoveToOuterDisposeScope();
        return (logits.MoveToOuterDisposeScope(), stages);
    }

    /// <summary>
    /// One pass that returns the logits, the four stage outputs and the embedding. The pooling is
    /// shared with the classifier when <see cref="ClassifiesEmbedding"/>; otherwise the embedding is
    /// computed from stage 4 beside <see cref="ForwardHead"/>.
    /// </summary>
    /// <param name="images">Images <c>[B, C, H, W]</c>.</param>
    public virtual ModelOutputs ForwardAll(Tensor images)
    {
        using var scope = NewDisposeScope();
        var stages = new Tensor[4];
        var x = ForwardStem(images);
        for (var stage = 1; stage <= 4; stage++) x = stages[stage - 1] = ForwardStage(stage, x);
        Tensor logits, embedding;
        if (ClassifiesEmbedding)
        {
            embedding = ForwardEmbedding(x);
            logits = ForwardClassifier(embedding);
        }
        else
        {
            logits = ForwardHead(x);
            embedding = ForwardEmbedding(x);
        }
        foreach (var s in stages) s.MoveToOuterDisposeScope();
        return new ModelOutputs(logits.MoveToOuterDisposeScope(), stages, embedding.MoveToOuterDisposeScope());
    }
}
