using FofaDsl.Backbones;
using FofaDsl.Stages;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Backbones;

[Collection(TorchCollection.Name)]
public sealed class MobileNetV2Tests
{
    [Fact]
    public void Standard_has_timms_parameter_count()
    {
        using var model = new MobileNetV2(MobileNetV2Options.Standard());
        Assert.Equal(3_504_872L, BackboneAssert.ParameterCount(model));
        Assert.Equal(17, model.BlockCount);
    }

    [Fact]
    public void Parameter_names_and_shapes_follow_timm()
    {
        using var model = new MobileNetV2(MobileNetV2Options.Standard(numClasses: 10, imageSize: 32));
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        Assert.Equal([32L, 3, 3, 3], parameters["conv_stem.weight"]);
        Assert.Equal([32L], parameters["bn1.weight"]);
        // Group 0 is the depthwise-separable block 32 -> 16.
        Assert.Equal([32L, 1, 3, 3], parameters["blocks.0.0.conv_dw.weight"]);
        Assert.Equal([32L], parameters["blocks.0.0.bn1.bias"]);
        Assert.Equal([16L, 32, 1, 1], parameters["blocks.0.0.conv_pw.weight"]);
        Assert.Equal([16L], parameters["blocks.0.0.bn2.weight"]);
        // blocks.1.0 expands 16 * 6 = 96 and projects to 24.
        Assert.Equal([96L, 16, 1, 1], parameters["blocks.1.0.conv_pw.weight"]);
        Assert.Equal([96L, 1, 3, 3], parameters["blocks.1.0.conv_dw.weight"]);
        Assert.Equal([24L, 96, 1, 1], parameters["blocks.1.0.conv_pwl.weight"]);
        Assert.Equal([24L], parameters["blocks.1.0.bn3.bias"]);
        // Last group: 160 * 6 = 960 -> 320; head 320 -> 1280 -> 10.
        Assert.Equal([320L, 960, 1, 1], parameters["blocks.6.0.conv_pwl.weight"]);
        Assert.Equal([1280L, 320, 1, 1], parameters["conv_head.weight"]);
        Assert.Equal([1280L], parameters["bn2.bias"]);
        Assert.Equal([10L, 1280], parameters["classifier.weight"]);
        Assert.Equal([10L], parameters["classifier.bias"]);

        // timm's convolutions have no bias and the depthwise-separable block has no projection.
        Assert.DoesNotContain("conv_stem.bias", parameters.Keys);
        Assert.DoesNotContain("blocks.0.0.conv_pwl.weight", parameters.Keys);
        Assert.DoesNotContain("blocks.7.0.conv_pw.weight", parameters.Keys);
        Assert.Contains("blocks.4.2.bn2.running_var", model.state_dict().Keys);
    }

    [Fact]
    public void Standard_at_224_declares_the_papers_stage_shapes_and_produces_them()
    {
        torch.manual_seed(1);
        using var model = new MobileNetV2(MobileNetV2Options.Standard(numClasses: 5));
        model.eval();

        Assert.Equal(StageGeometry.Spatial(32, 112, 112), model.StemGeometry);
        Assert.Equal(
            [StageGeometry.Spatial(24, 56, 56), StageGeometry.Spatial(32, 28, 28), StageGeometry.Spatial(96, 14, 14), StageGeometry.Spatial(1280, 7, 7)],
            model.StageGeometries);
        Assert.Equal([2, 5, 12, 16], MobileNetV2.StageEnds);

        using var noGrad = torch.no_grad();
        BackboneAssert.RealShapesMatchGeometry(model, rand(1, 3, 224, 224), classes: 5);
    }

    [Fact]
    public void Half_width_at_32_rounds_channels_and_matches_real_shapes()
    {
        torch.manual_seed(2);
        using var model = new MobileNetV2(MobileNetV2Options.Standard(numClasses: 7, imageSize: 32, widthMultiplier: 0.5));

        // Stem 32 * 0.5 = 16 at 32 / 2 = 16; widths 24 * 0.5 = 12 -> 16, 32 * 0.5 = 16, 96 * 0.5 = 48;
        // the head keeps max(1280, 640) = 1280. Sides 16 -> 8 -> 4 -> 2 -> 1.
        Assert.Equal(StageGeometry.Spatial(16, 16, 16), model.StemGeometry);
        Assert.Equal(
            [StageGeometry.Spatial(16, 8, 8), StageGeometry.Spatial(16, 4, 4), StageGeometry.Spatial(48, 2, 2), StageGeometry.Spatial(1280, 1, 1)],
            model.StageGeometries);

        BackboneAssert.RealShapesMatchGeometry(model, rand(2, 3, 32, 32), classes: 7);
    }

    [Fact]
    public void Odd_image_sizes_round_up_at_every_stride_and_match_real_shapes()
    {
        torch.manual_seed(3);
        using var model = new MobileNetV2(MobileNetV2Options.Standard(numClasses: 3, imageSize: 33, inputChannels: 1, widthMultiplier: 0.25));

        // 3x3 stride-2 convolutions with padding 1 map h to ceil(h / 2): 33 -> 17 -> 9 -> 5 -> 3 -> 2.
        // Widths: stem 32 * 0.25 = 8; 24 * 0.25 = 6 -> 8; 32 * 0.25 = 8; 96 * 0.25 = 24.
        Assert.Equal(StageGeometry.Spatial(8, 17, 17), model.StemGeometry);
        Assert.Equal(
            [StageGeometry.Spatial(8, 9, 9), StageGeometry.Spatial(8, 5, 5), StageGeometry.Spatial(24, 3, 3), StageGeometry.Spatial(1280, 2, 2)],
            model.StageGeometries);

        BackboneAssert.RealShapesMatchGeometry(model, rand(2, 1, 33, 33), classes: 3);
    }

    [Fact]
    public void Wider_multipliers_also_widen_the_head()
    {
        var options = MobileNetV2Options.Standard(widthMultiplier: 1.4);
        // 32 * 1.4 = 44.8 -> 48; 1280 * 1.4 = 1792.
        Assert.Equal(48, options.StemWidth);
        Assert.Equal(1792, options.HeadWidth);
    }

    [Fact]
    public void Gradient_from_logits_reaches_conv_stem()
    {
        torch.manual_seed(4);
        using var model = new MobileNetV2(MobileNetV2Options.Standard(numClasses: 4, imageSize: 32, widthMultiplier: 0.25));
        BackboneAssert.GradientReaches(model, rand(2, 3, 32, 32), "conv_stem.weight");
    }

    [Fact]
    public void Initialisation_follows_timm()
    {
        torch.manual_seed(5);
        using var model = new MobileNetV2(MobileNetV2Options.Standard());
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);

        Assert.True(parameters["blocks.3.1.bn2.weight"].eq(1).all().item<bool>());
        Assert.True(parameters["blocks.3.1.bn2.bias"].eq(0).all().item<bool>());
        // Depthwise 3x3 over 384 channels in 384 groups: fan-out 3 * 3 * 384 / 384 = 9, std sqrt(2 / 9).
        var depthwiseStd = parameters["blocks.3.1.conv_dw.weight"].std().item<float>();
        Assert.InRange(depthwiseStd, 0.93 * Math.Sqrt(2.0 / 9), 1.07 * Math.Sqrt(2.0 / 9));
        // Pointwise 64 -> 384: fan-out 384, std sqrt(2 / 384).
        var pointwiseStd = parameters["blocks.3.1.conv_pw.weight"].std().item<float>();
        Assert.InRange(pointwiseStd, 0.95 * Math.Sqrt(2.0 / 384), 1.05 * Math.Sqrt(2.0 / 384));
        // Classifier uniform in +-1/sqrt(1000), zero bias.
        var classifier = parameters["classifier.weight"];
        Assert.True(classifier.abs().max().item<float>() <= 1 / Math.Sqrt(1000));
        Assert.True(parameters["classifier.bias"].eq(0).all().item<bool>());
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new MobileNetV2(new MobileNetV2Options { WidthMultiplier = 0 }));
        Assert.Equal("WidthMultiplier", error.ParamName);
        Assert.Throws<ArgumentException>(() => new MobileNetV2(new MobileNetV2Options { NumClasses = 0 }));
    }

    [Fact]
    public void Stage_numbers_outside_1_to_4_are_rejected()
    {
        using var model = new MobileNetV2(MobileNetV2Options.Standard(numClasses: 2, imageSize: 8, widthMultiplier: 0.25));
        using var input = zeros(1, 8, 4, 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ForwardStage(0, input));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ForwardStage(5, input));
    }
}
