using FofaDsl.Backbones;
using FofaDsl.Stages;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Backbones;

[Collection(TorchCollection.Name)]
public sealed class ResMlpTests
{
    [Fact]
    public void ResMlp_S12_has_timms_parameter_count()
    {
        using var model = new ResMlp(ResMlpOptions.ResMlpS12());
        Assert.Equal(15_350_872L, BackboneAssert.ParameterCount(model));
    }

    [Fact]
    public void Parameter_names_and_shapes_follow_timm()
    {
        using var model = new ResMlp(SmallOptions());
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        // D = 16, grid 32/8 = 4 -> L = 16 tokens, channel MLP 4 * 16 = 64.
        Assert.Equal([16L, 3, 8, 8], parameters["stem.proj.weight"]);
        Assert.Equal([1L, 1, 16], parameters["blocks.0.norm1.alpha"]);
        Assert.Equal([1L, 1, 16], parameters["blocks.0.norm1.beta"]);
        Assert.Equal([1L, 1, 16], parameters["blocks.2.norm2.alpha"]);
        Assert.Equal([16L, 16], parameters["blocks.1.linear_tokens.weight"]);
        Assert.Equal([16L], parameters["blocks.1.linear_tokens.bias"]);
        Assert.Equal([64L, 16], parameters["blocks.3.mlp_channels.fc1.weight"]);
        Assert.Equal([16L, 64], parameters["blocks.3.mlp_channels.fc2.weight"]);
        Assert.Equal([16L], parameters["blocks.0.ls1"]);
        Assert.Equal([16L], parameters["blocks.0.ls2"]);
        Assert.Equal([1L, 1, 16], parameters["norm.alpha"]);
        Assert.Equal([1L, 1, 16], parameters["norm.beta"]);
        Assert.Equal([10L, 16], parameters["head.weight"]);
        Assert.DoesNotContain("norm.weight", parameters.Keys);
        Assert.DoesNotContain("blocks.4.ls1", parameters.Keys);

        // Hand count: stem 3*8*8*16+16; per block 4*16 (affines) + (16*16+16) + (16*64+64) + (64*16+16) + 2*16 (layer scales); norm 32; head 170.
        long perBlock = 64 + 272 + 1088 + 1040 + 32;
        Assert.Equal(3088 + 4 * perBlock + 32 + 170, BackboneAssert.ParameterCount(model));
    }

    [Fact]
    public void Small_model_shapes_match_geometry()
    {
        torch.manual_seed(31);
        using var model = new ResMlp(SmallOptions());

        var tokens = StageGeometry.Tokens(16, 4, 4, hasClassToken: false);
        Assert.Equal(tokens, model.StemGeometry);
        Assert.All(model.StageGeometries, g => Assert.Equal(tokens, g));
        Assert.Equal([0, 1, 2, 3], model.StageEnds);
        BackboneAssert.RealShapesMatchGeometry(model, rand(2, 3, 32, 32), classes: 10);
    }

    [Fact]
    public void ResMlp_S12_runs_at_224()
    {
        torch.manual_seed(32);
        using var model = new ResMlp(ResMlpOptions.ResMlpS12());
        Assert.Equal([1, 3, 9, 11], model.StageEnds);
        // 224 / 16 = 14 -> 196 tokens of width 384, no class token.
        Assert.Equal([1L, 196, 384], model.StageGeometries[3].ShapeFor(1));
        using var noGrad = torch.no_grad();
        BackboneAssert.RealShapesMatchGeometry(model, rand(1, 3, 224, 224), classes: 1000);
    }

    [Fact]
    public void Layer_scales_start_at_the_configured_value()
    {
        using var model = new ResMlp(SmallOptions() with { InitLayerScale = 1e-5 });
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.True(parameters["blocks.2.ls2"].eq(1e-5f).all().item<bool>());
        using var defaults = new ResMlp(SmallOptions());
        var defaultParameters = defaults.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.True(defaultParameters["blocks.0.ls1"].eq(0.1f).all().item<bool>());
        // timm zeroes linear_tokens' bias (no "mlp" in its name) but not the MLP biases.
        Assert.True(defaultParameters["blocks.0.linear_tokens.bias"].eq(0).all().item<bool>());
        Assert.True(defaultParameters["blocks.0.norm1.alpha"].eq(1).all().item<bool>());
    }

    [Fact]
    public void Image_size_must_be_a_multiple_of_the_patch_size()
    {
        var error = Assert.Throws<ArgumentException>(() => new ResMlp(SmallOptions() with { ImageSize = 36 }));
        Assert.Equal("ImageSize", error.ParamName);
        Assert.Contains("multiple of PatchSize", error.Message);
    }

    [Fact]
    public void Gradient_from_logits_reaches_the_stem()
    {
        torch.manual_seed(33);
        using var model = new ResMlp(SmallOptions() with { DropPathRate = 0.1 });
        MlpMixerTests.FillHead(model, seed: 34);
        model.train();
        BackboneAssert.GradientReaches(model, rand(4, 3, 32, 32), "stem.proj.weight", "blocks.0.ls1", "blocks.0.norm1.alpha", "norm.beta");
    }

    private static ResMlpOptions SmallOptions() => new()
    {
        NumClasses = 10, InputChannels = 3, ImageSize = 32, PatchSize = 8, EmbedDim = 16, Depth = 4,
    };
}
