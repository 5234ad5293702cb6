using FofaDsl.Backbones;
using FofaDsl.Stages;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Backbones;

[Collection(TorchCollection.Name)]
public sealed class VisionTransformerTests
{
    [Theory]
    // 12: ceil(24/12)-1, ceil(48/12)-1, ceil(120/12)-1, 11 -> the paper's 1, 3, 9, 11.
    [InlineData(12, new[] { 1, 3, 9, 11 })]
    // 4: raw 0, 1, 3, 3 -> pushed down to 0, 1, 2, 3.
    [InlineData(4, new[] { 0, 1, 2, 3 })]
    // 6: ceil(12/12)-1, ceil(24/12)-1, ceil(60/12)-1, 5.
    [InlineData(6, new[] { 0, 1, 4, 5 })]
    // 5: raw 0, 1, 4, 4 -> 0, 1, 3, 4.
    [InlineData(5, new[] { 0, 1, 3, 4 })]
    // 24: 3, 7, 19, 23.
    [InlineData(24, new[] { 3, 7, 19, 23 })]
    public void Default_stage_ends_scale_the_papers_cuts(int depth, int[] expected)
    {
        Assert.Equal(expected, VisionTransformerOptions.DefaultStageEnds(depth));
    }

    [Fact]
    public void Default_stage_ends_need_four_blocks()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => VisionTransformerOptions.DefaultStageEnds(3));
        Assert.Throws<ArgumentException>(() => new VisionTransformer(new VisionTransformerOptions { Depth = 3 }));
    }

    [Fact]
    public void DeiT_Tiny_has_timms_parameter_count()
    {
        using var model = new VisionTransformer(VisionTransformerOptions.DeiTTiny());
        Assert.Equal(5_717_416L, BackboneAssert.ParameterCount(model));
    }

    [Fact]
    public void ViT_Small_has_timms_parameter_count()
    {
        using var model = new VisionTransformer(VisionTransformerOptions.VitSmall());
        Assert.Equal(22_050_664L, BackboneAssert.ParameterCount(model));
    }

    [Fact]
    public void Parameter_names_and_shapes_follow_timm()
    {
        using var model = new VisionTransformer(SmallOptions(depth: 4));
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        // D = 32, grid 32/8 = 4 -> 16 patches + class token, MLP hidden 4 * 32.
        Assert.Equal([32L, 3, 8, 8], parameters["patch_embed.proj.weight"]);
        Assert.Equal([32L], parameters["patch_embed.proj.bias"]);
        Assert.Equal([1L, 1, 32], parameters["cls_token"]);
        Assert.Equal([1L, 17, 32], parameters["pos_embed"]);
        Assert.Equal([96L, 32], parameters["blocks.0.attn.qkv.weight"]);
        Assert.Equal([96L], parameters["blocks.0.attn.qkv.bias"]);
        Assert.Equal([32L, 32], parameters["blocks.3.attn.proj.weight"]);
        Assert.Equal([128L, 32], parameters["blocks.1.mlp.fc1.weight"]);
        Assert.Equal([32L], parameters["blocks.1.mlp.fc2.bias"]);
        foreach (var name in new[] { "blocks.2.norm1.weight", "blocks.2.norm2.bias", "norm.weight", "norm.bias" })
            Assert.Equal([32L], parameters[name]);
        Assert.Equal([10L, 32], parameters["head.weight"]);
        Assert.DoesNotContain("blocks.4.norm1.weight", parameters.Keys);
    }

    [Fact]
    public void Depth_4_model_shapes_match_geometry()
    {
        torch.manual_seed(11);
        using var model = new VisionTransformer(SmallOptions(depth: 4));

        Assert.Equal(StageGeometry.Tokens(32, 4, 4, hasClassToken: true), model.StemGeometry);
        Assert.All(model.StageGeometries, g => Assert.Equal(StageGeometry.Tokens(32, 4, 4, hasClassToken: true), g));
        Assert.Equal([0, 1, 2, 3], model.StageEnds);
        BackboneAssert.RealShapesMatchGeometry(model, rand(2, 3, 32, 32), classes: 10);
    }

    [Fact]
    public void Depth_6_single_channel_model_shapes_match_geometry()
    {
        torch.manual_seed(12);
        var options = new VisionTransformerOptions
        {
            NumClasses = 3, InputChannels = 1, ImageSize = 28, PatchSize = 7, EmbedDim = 32, Depth = 6, Heads = 4,
        };
        using var model = new VisionTransformer(options);

        // 28 / 7 = 4 -> 16 patches + class token.
        Assert.Equal([2L, 17, 32], model.StemGeometry.ShapeFor(2));
        Assert.Equal([0, 1, 4, 5], model.StageEnds);
        BackboneAssert.RealShapesMatchGeometry(model, rand(2, 1, 28, 28), classes: 3);
    }

    [Fact]
    public void DeiT_Tiny_runs_at_224()
    {
        torch.manual_seed(13);
        using var model = new VisionTransformer(VisionTransformerOptions.DeiTTiny());
        Assert.Equal([1L, 197, 192], model.StageGeometries[3].ShapeFor(1));
        using var noGrad = torch.no_grad();
        BackboneAssert.RealShapesMatchGeometry(model, rand(1, 3, 224, 224), classes: 1000);
    }

    [Fact]
    public void Stages_together_equal_the_plain_forward_with_custom_cuts()
    {
        torch.manual_seed(14);
        using var model = new VisionTransformer(SmallOptions(depth: 6) with { StageEnds = [2, 3, 4, 5] });
        Assert.Equal([2, 3, 4, 5], model.StageEnds);
        model.eval();
        using var images = rand(2, 3, 32, 32);
        using var plain = model.call(images);
        var (logits, stages) = model.ForwardWithStages(images);
        Assert.True(allclose(plain, logits));
        foreach (var stage in stages) stage.Dispose();
        logits.Dispose();
    }

    [Theory]
    [InlineData(new[] { 1, 2, 3 })]
    [InlineData(new[] { 0, 2, 2, 5 })]
    [InlineData(new[] { 0, 1, 2, 4 })]
    [InlineData(new[] { -1, 1, 2, 5 })]
    public void Invalid_stage_ends_are_rejected(int[] ends)
    {
        var error = Assert.Throws<ArgumentException>(() => new VisionTransformer(SmallOptions(depth: 6) with { StageEnds = ends }));
        Assert.Equal("StageEnds", error.ParamName);
    }

    [Fact]
    public void Image_size_must_be_a_multiple_of_the_patch_size()
    {
        var error = Assert.Throws<ArgumentException>(() => new VisionTransformer(SmallOptions(depth: 4) with { ImageSize = 30 }));
        Assert.Equal("ImageSize", error.ParamName);
        Assert.Contains("multiple of PatchSize", error.Message);
    }

    [Fact]
    public void Heads_must_divide_the_width()
    {
        var error = Assert.Throws<ArgumentException>(() => new VisionTransformer(SmallOptions(depth: 4) with { Heads = 5 }));
        Assert.Equal("Heads", error.ParamName);
    }

    [Fact]
    public void Gradient_from_logits_reaches_the_patch_embedding()
    {
        torch.manual_seed(15);
        using var model = new VisionTransformer(SmallOptions(depth: 4));
        BackboneAssert.GradientReaches(model, rand(2, 3, 32, 32), "patch_embed.proj.weight", "cls_token", "pos_embed");
    }

    [Fact]
    public void Initialisation_follows_timm()
    {
        torch.manual_seed(16);
        using var model = new VisionTransformer(VisionTransformerOptions.DeiTTiny());
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);

        Assert.InRange(parameters["blocks.5.mlp.fc1.weight"].std().item<float>(), 0.019, 0.021);
        Assert.InRange(parameters["pos_embed"].std().item<float>(), 0.018, 0.022);
        Assert.True(parameters["blocks.5.mlp.fc1.bias"].eq(0).all().item<bool>());
        Assert.True(parameters["head.bias"].eq(0).all().item<bool>());
        Assert.True(parameters["blocks.5.norm1.weight"].eq(1).all().item<bool>());
        Assert.True(parameters["norm.bias"].eq(0).all().item<bool>());
    }

    private static VisionTransformerOptions SmallOptions(int depth) => new()
    {
        NumClasses = 10, InputChannels = 3, ImageSize = 32, PatchSize = 8, EmbedDim = 32, Depth = depth, Heads = 2,
    };
}
