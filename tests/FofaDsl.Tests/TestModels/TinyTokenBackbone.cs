using FofaDsl.Backbones;
using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Tests.TestModels;

/// <summary>
/// A tiny ViT-like model on 16x16 images for FOFA tests: 4x4 patches give a 4x4 grid of 24-wide
/// tokens after a class token (17 tokens); each stage is a residual Linear + GELU; the head reads the class token.
/// </summary>
internal sealed class TinyTokenBackbone : StagedBackbone
{
    private const int Dim = 24;
    private readonly Conv2d patch_embed;
    private readonly Parameter cls_token;
    private readonly ModuleList<Linear> blocks;
    private readonly LayerNorm norm;
    private readonly Linear head;

    public TinyTokenBackbone(int numClasses = 10) : base(nameof(TinyTokenBackbone))
    {
        NumClasses = numClasses;
        patch_embed = nn.Conv2d(3, Dim, 4, stride: 4);
        cls_token = nn.Parameter(randn(1, 1, Dim) * 0.02);
        blocks = new ModuleList<Linear>(nn.Linear(Dim, Dim), nn.Linear(Dim, Dim), nn.Linear(Dim, Dim), nn.Linear(Dim, Dim));
        norm = nn.LayerNorm(Dim);
        head = nn.Linear(Dim, numClasses);
        RegisterComponents();
    }

    public override StageGeometry StemGeometry => StageGeometry.Tokens(Dim, 4, 4, hasClassToken: true);

    public override IReadOnlyList<StageGeometry> StageGeometries { get; } =
        Enumerable.Repeat(StageGeometry.Tokens(Dim, 4, 4, hasClassToken: true), 4).ToArray();

    public override int NumClasses { get; }

    public override Tensor ForwardStem(Tensor images)
    {
        using var scope = NewDisposeScope();
        var patches = patch_embed.call(images).flatten(2).transpose(1, 2);
        return cat([cls_token.expand(images.shape[0], -1, -1), patches], 1).MoveToOuterDisposeScope();
    }

    public override Tensor ForwardStage(int stage, Tensor input)
    {
        using var scope = NewDisposeScope();
        return (input + nn.functional.gelu(blocks[stage - 1].call(input))).MoveToOuterDisposeScope();
    }

    public override Tensor ForwardHead(Tensor lastStage)
    {
        using var scope = NewDisposeScope();
        return head.call(norm.call(lastStage.select(1, 0))).MoveToOuterDisposeScope();
    }
}
