using FofaDsl.Backbones;
using FofaDsl.Tests.TestModels;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Backbones;

/// <summary>A stage's segments (FOFA's unit of recomputation) compose to exactly the stage.</summary>
[Collection(TorchCollection.Name)]
public sealed class StageSegmentsTests
{
    public static TheoryData<string, int> Backbones => new()
    {
        { "convnext", 4 }, { "vit", 6 }, { "mixer", 4 }, { "tiny", 4 },
    };

    [Theory]
    [MemberData(nameof(Backbones))]
    public void The_segments_of_every_stage_compose_to_the_stage(string name, int expectedSegmentsInAll)
    {
        torch.manual_seed(21);
        using var model = Create(name);
        model.eval();
        var (channels, size) = name switch { "convnext" => (3, 64), "tiny" => (3, 16), _ => (1, 28) };
        using var images = randn(2, channels, size, size);
        using var noGrad = no_grad();
        var x = model.ForwardStem(images);
        var count = 0;
        for (var stage = 1; stage <= 4; stage++)
        {
            var segments = model.StageSegments(stage);
            count += segments.Count;
            var whole = model.ForwardStage(stage, x);
            var composed = segments.Aggregate(x, (input, segment) => segment(input));
            Assert.True(whole.equal(composed).all().item<bool>(), $"{name}: stage {stage}'s segments do not compose to the stage");
            x = whole;
        }
        // ConvNeXt: 1 block per stage plus the downsampling of stages 2-4; ViT and Mixer: one segment per block.
        Assert.Equal(expectedSegmentsInAll + (model is ConvNeXt ? 3 : 0), count);
    }

    private static StagedBackbone Create(string name) => name switch
    {
        "convnext" => new ConvNeXt(new ConvNeXtOptions { NumClasses = 6, ImageSize = 64, Depths = [1, 1, 1, 1], Dims = [8, 16, 32, 64] }),
        "vit" => new VisionTransformer(new VisionTransformerOptions { NumClasses = 3, InputChannels = 1, ImageSize = 28, PatchSize = 7, EmbedDim = 32, Depth = 6, Heads = 4 }),
        "mixer" => new MlpMixer(new MlpMixerOptions { NumClasses = 3, InputChannels = 1, ImageSize = 28, PatchSize = 7, EmbedDim = 16, Depth = 4 }),
        // A backbone that keeps the default: each stage is one segment.
        _ => new TinySpatialBackbone(),
    };
}
