using FofaDsl.Backbones;
using FofaDsl.Stages;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Backbones;

[Collection(TorchCollection.Name)]
public sealed class ConvNeXtTests
{
    private static ConvNeXtOptions SmallOptions(int numClasses = 6) => new()
    {
        NumClasses = numClasses, ImageSize = 64, Depths = [1, 1, 1, 1], Dims = [8, 16, 32, 64],
    };

    [Fact]
    public void Tiny_has_timms_parameter_count()
    {
        using var model = new ConvNeXt(ConvNeXtOptions.Tiny());
        Assert.Equal(28_589_128L, BackboneAssert.ParameterCount(model));
    }

    [Fact]
    public void Tiny_declares_the_papers_stage_shapes()
    {
        using var model = new ConvNeXt(ConvNeXtOptions.Tiny(numClasses: 10));
        Assert.Equal(StageGeometry.Spatial(96, 56, 56), model.StemGeometry);
        Assert.Equal(
            [StageGeometry.Spatial(96, 56, 56), StageGeometry.Spatial(192, 28, 28), StageGeometry.Spatial(384, 14, 14), StageGeometry.Spatial(768, 7, 7)],
            model.StageGeometries);

        var names = model.named_parameters().Select(p => p.name).ToHashSet();
        string[] expected =
        [
            "stem.0.weight", "stem.0.bias", "stem.1.weight", "stem.1.bias",
            "stages.0.blocks.0.conv_dw.weight", "stages.0.blocks.0.norm.weight", "stages.0.blocks.0.mlp.fc1.weight",
            "stages.0.blocks.2.mlp.fc2.bias", "stages.1.downsample.0.weight", "stages.1.downsample.1.bias",
            "stages.2.blocks.8.gamma", "stages.3.blocks.2.gamma", "head.norm.weight", "head.norm.bias", "head.fc.weight", "head.fc.bias",
        ];
        foreach (var name in expected) Assert.Contains(name, names);
        // Stage 0 keeps the stem's width and side, so timm gives it no downsample.
        Assert.DoesNotContain(names, n => n.StartsWith("stages.0.downsample", StringComparison.Ordinal));
        Assert.DoesNotContain("stages.2.blocks.9.gamma", names);
    }

    [Fact]
    public void Parameter_shapes_follow_timm()
    {
        using var model = new ConvNeXt(SmallOptions());
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        Assert.Equal([8L, 3, 4, 4], parameters["stem.0.weight"]);
        Assert.Equal([8L], parameters["stem.1.weight"]);
        Assert.Equal([8L, 1, 7, 7], parameters["stages.0.blocks.0.conv_dw.weight"]);
        Assert.Equal([32L, 8], parameters["stages.0.blocks.0.mlp.fc1.weight"]);
        Assert.Equal([8L, 32], parameters["stages.0.blocks.0.mlp.fc2.weight"]);
        Assert.Equal([8L], parameters["stages.1.downsample.0.weight"]);
        Assert.Equal([16L, 8, 2, 2], parameters["stages.1.downsample.1.weight"]);
        Assert.Equal([64L], parameters["stages.3.blocks.0.gamma"]);
        Assert.Equal([6L, 64], parameters["head.fc.weight"]);
    }

    [Fact]
    public void Small_model_at_64_matches_declared_geometry()
    {
        torch.manual_seed(1);
        using var model = new ConvNeXt(SmallOptions(numClasses: 6));

        // 64 / 4 = 16, then 16, 8, 4, 2.
        Assert.Equal(StageGeometry.Spatial(8, 16, 16), model.StemGeometry);
        Assert.Equal(
            [StageGeometry.Spatial(8, 16, 16), StageGeometry.Spatial(16, 8, 8), StageGeometry.Spatial(32, 4, 4), StageGeometry.Spatial(64, 2, 2)],
            model.StageGeometries);

        BackboneAssert.RealShapesMatchGeometry(model, rand(2, 3, 64, 64), classes: 6);
    }

    [Fact]
    public void Layer_scale_starts_at_its_init_value_and_zero_leaves_it_out()
    {
        using var model = new ConvNeXt(SmallOptions() with { LayerScaleInit = 0.25 });
        var gamma = model.named_parameters().Single(p => p.name == "stages.2.blocks.0.gamma").parameter;
        Assert.True(gamma.eq(0.25).all().item<bool>());

        using var withoutScale = new ConvNeXt(SmallOptions() with { LayerScaleInit = 0 });
        Assert.DoesNotContain(withoutScale.named_parameters(), p => p.name.EndsWith("gamma", StringComparison.Ordinal));
    }

    [Fact]
    public void Drop_path_rates_rise_linearly_over_all_blocks()
    {
        var options = new ConvNeXtOptions { Depths = [1, 2, 1, 1], DropPathRate = 0.4 };
        var rates = options.BlockDropPathRates();

        // Five blocks: 0, 0.1, 0.2, 0.3, 0.4, split 1-2-1-1.
        Assert.Equal(new[] { 0.0 }, rates[0]);
        Assert.Equal(0.1, rates[1][0], precision: 12);
        Assert.Equal(0.2, rates[1][1], precision: 12);
        Assert.Equal(0.3, rates[2][0], precision: 12);
        Assert.Equal(0.4, rates[3][0], precision: 12);
    }

    [Fact]
    public void Drop_path_is_random_in_training_and_off_in_eval()
    {
        torch.manual_seed(2);
        // Layer scale 1 makes the residual branches large enough for dropping to show.
        using var model = new ConvNeXt(SmallOptions() with { DropPathRate = 0.5, LayerScaleInit = 1.0 });
        using var images = rand(4, 3, 64, 64);

        model.train();
        using var first = model.call(images);
        using var second = model.call(images);
        Assert.False(first.allclose(second));

        model.eval();
        using var third = model.call(images);
        using var fourth = model.call(images);
        Assert.True(third.eq(fourth).all().item<bool>());
    }

    [Fact]
    public void Invalid_image_size_is_rejected_with_a_clear_message()
    {
        var error = Assert.Throws<ArgumentException>(() => new ConvNeXt(ConvNeXtOptions.Tiny(imageSize: 100)));
        Assert.Equal("ImageSize", error.ParamName);
        Assert.Contains("multiple of 32", error.Message, StringComparison.Ordinal);

        Assert.Equal("Depths", Assert.Throws<ArgumentException>(() => new ConvNeXt(new ConvNeXtOptions { Depths = [3, 3, 9] })).ParamName);
        Assert.Equal("DropPathRate", Assert.Throws<ArgumentException>(() => new ConvNeXt(new ConvNeXtOptions { DropPathRate = 1 })).ParamName);
    }

    [Fact]
    public void Gradient_from_logits_reaches_the_stem_convolution()
    {
        torch.manual_seed(3);
        using var model = new ConvNeXt(SmallOptions(numClasses: 4) with { ImageSize = 32 });
        BackboneAssert.GradientReaches(model, rand(2, 3, 32, 32), "stem.0.weight");
    }

    [Fact]
    public void Initialisation_follows_timm()
    {
        torch.manual_seed(4);
        using var model = new ConvNeXt(ConvNeXtOptions.Tiny());
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);

        // Truncated normal std 0.02 (bounds +-2 are far outside), zero biases, layer scale 1e-6.
        var std = parameters["stages.2.blocks.4.mlp.fc1.weight"].std().item<float>();
        Assert.InRange(std, 0.019, 0.021);
        Assert.True(parameters["stages.2.blocks.4.mlp.fc1.bias"].eq(0).all().item<bool>());
        Assert.True(parameters["stages.2.blocks.4.conv_dw.bias"].eq(0).all().item<bool>());
        Assert.True(parameters["stages.2.blocks.4.gamma"].eq(1e-6f).all().item<bool>());
        Assert.True(parameters["head.norm.weight"].eq(1).all().item<bool>());
    }
}
