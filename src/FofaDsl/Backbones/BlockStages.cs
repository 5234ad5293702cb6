using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>Runs one stage of a model whose stages are consecutive runs of blocks cut after given block indices (ViT, MLP-Mixer, ResMLP).</summary>
internal static class BlockStages
{
    /// <summary>Stage <paramref name="stage"/> (1..4): blocks after the previous stage's last block up to <c>stageEnds[stage - 1]</c>, inclusive.</summary>
    public static Tensor Run<TBlock>(IList<TBlock> blocks, IReadOnlyList<int> stageEnds, int stage, Tensor input)
        where TBlock : nn.Module<Tensor, Tensor>
    {
        if (stage is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(stage), stage, "Stages are numbered 1..4.");
        using var scope = NewDisposeScope();
        var first = stage == 1 ? 0 : stageEnds[stage - 2] + 1;
        var x = input;
        for (var i = first; i <= stageEnds[stage - 1]; i++) x = blocks[i].call(x);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>The blocks of stage <paramref name="stage"/> as <see cref="StagedBackbone.StageSegments"/>.</summary>
    public static IReadOnlyList<Func<Tensor, Tensor>> Segments<TBlock>(IList<TBlock> blocks, IReadOnlyList<int> stageEnds, int stage)
        where TBlock : nn.Module<Tensor, Tensor>
    {
        if (stage is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(stage), stage, "Stages are numbered 1..4.");
        var first = stage == 1 ? 0 : stageEnds[stage - 2] + 1;
        return Enumerable.Range(first, stageEnds[stage - 1] - first + 1).Select(i => (Func<Tensor, Tensor>)blocks[i].call).ToList();
    }
}
