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

    /// <summary>Stage 4's output to class logits <c>[B, classes]</c>.</summary>
    public abstract Tensor ForwardHead(Tensor lastStage);

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
}
