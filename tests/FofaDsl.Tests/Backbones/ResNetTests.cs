using FofaDsl.Backbones;
using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Backbones;

[Collection(TorchCollection.Name)]
public sealed class ResNetTests
{
    [Fact]
    public void ResNet18_with_ImageNet_stem_has_torchvisions_parameter_count()
    {
        using var model = new ResNet(ResNetOptions.ResNet18());
        var count = BackboneAssert.ParameterCount(model);
        Assert.Equal(11_689_512L, count);
    }

    [Fact]
    public void Parameter_names_follow_torchvision()
    {
        using var model = new ResNet(ResNetOptions.ResNet18(numClasses: 10, imageSize: 32) with { BaseWidth = 8 });
        var names = model.named_parameters().Select(p => p.name).ToHashSet();

        string[] expected =
        [
            "conv1.weight", "bn1.weight", "bn1.bias",
            "layer1.0.conv1.weight", "layer1.0.bn1.weight", "layer1.0.conv2.weight", "layer1.1.bn2.bias",
            "layer2.0.downsample.0.weight", "layer2.0.downsample.1.weight", "layer2.0.downsample.1.bias",
            "layer4.1.conv2.weight", "fc.weight", "fc.bias",
        ];
        foreach (var name in expected) Assert.Contains(name, names);
        // torchvision's convolutions have no bias, and layer1 keeps stride and width so it has no projection.
        Assert.DoesNotContain("conv1.bias", names);
        Assert.DoesNotContain(names, n => n.StartsWith("layer1.0.downsample", StringComparison.Ordinal));
        Assert.Contains("layer2.0.downsample.1.running_mean", model.state_dict().Keys);
    }

    [Fact]
    public void ImageNet_stem_geometry_rounds_odd_sizes_up_and_matches_real_shapes()
    {
        torch.manual_seed(1);
        var options = ResNetOptions.ResNet18(numClasses: 7, imageSize: 30) with { BaseWidth = 8 };
        using var model = new ResNet(options);

        // 30 -> conv 7/2 -> 15 -> pool 3/2 -> 8; then 8, 4, 2, 1.
        Assert.Equal(StageGeometry.Spatial(8, 8, 8), model.StemGeometry);
        Assert.Equal(
            [StageGeometry.Spatial(8, 8, 8), StageGeometry.Spatial(16, 4, 4), StageGeometry.Spatial(32, 2, 2), StageGeometry.Spatial(64, 1, 1)],
            model.StageGeometries);

        BackboneAssert.RealShapesMatchGeometry(model, rand(2, 3, 30, 30), classes: 7);
    }

    [Fact]
    public void Cifar_stem_keeps_the_image_size_and_matches_real_shapes()
    {
        torch.manual_seed(2);
        var options = ResNetOptions.ResNet18(numClasses: 5, stem: ResNetStem.Cifar, imageSize: 28, inputChannels: 1) with { BaseWidth = 8 };
        using var model = new ResNet(options);

        Assert.Equal(StageGeometry.Spatial(8, 28, 28), model.StemGeometry);
        Assert.Equal(
            [StageGeometry.Spatial(8, 28, 28), StageGeometry.Spatial(16, 14, 14), StageGeometry.Spatial(32, 7, 7), StageGeometry.Spatial(64, 4, 4)],
            model.StageGeometries);
        var conv1 = model.named_parameters().Single(p => p.name == "conv1.weight").parameter;
        Assert.Equal([8L, 1, 3, 3], conv1.shape);

        BackboneAssert.RealShapesMatchGeometry(model, rand(2, 1, 28, 28), classes: 5);
    }

    [Fact]
    public void Gradient_from_logits_reaches_conv1()
    {
        torch.manual_seed(3);
        using var model = new ResNet(ResNetOptions.ResNet18(numClasses: 4, stem: ResNetStem.Cifar, imageSize: 16) with { BaseWidth = 4 });
        BackboneAssert.GradientReaches(model, rand(2, 3, 16, 16), "conv1.weight");
    }

    [Fact]
    public void Initialisation_follows_torchvision()
    {
        torch.manual_seed(4);
        using var model = new ResNet(ResNetOptions.ResNet18());
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);

        Assert.True(parameters["layer3.1.bn2.weight"].eq(1).all().item<bool>());
        Assert.True(parameters["layer3.1.bn2.bias"].eq(0).all().item<bool>());
        // Kaiming normal, fan_out, ReLU: std = sqrt(2 / (out_channels * k * k)) = sqrt(2 / (256 * 9)).
        var expectedStd = Math.Sqrt(2.0 / (256 * 9));
        var std = parameters["layer3.1.conv1.weight"].std().item<float>();
        Assert.InRange(std, 0.95 * expectedStd, 1.05 * expectedStd);
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new ResNet(new ResNetOptions { BlocksPerStage = [2, 2, 2] }));
        Assert.Equal("BlocksPerStage", error.ParamName);
        Assert.Throws<ArgumentException>(() => new ResNet(new ResNetOptions { BaseWidth = 0 }));
    }

    [Fact]
    public void Stage_numbers_outside_1_to_4_are_rejected()
    {
        using var model = new ResNet(ResNetOptions.ResNet18(numClasses: 2, imageSize: 8) with { BaseWidth = 2, BlocksPerStage = [1, 1, 1, 1] });
        using var input = zeros(1, 2, 2, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ForwardStage(5, input));
    }
}
