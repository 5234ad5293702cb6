using FofaDsl.Backbones;

namespace FofaDsl.Tests.Backbones;

[Collection(TorchCollection.Name)]
public sealed class ModelZooTests
{
    [Theory]
    [InlineData("resnet18", 11_689_512)]
    [InlineData("mobilenetv2_100", 3_504_872)]
    [InlineData("convnext_tiny", 28_589_128)]
    [InlineData("swin_tiny_patch4_window7_224", 28_288_354)]
    [InlineData("swin_pico_patch4_window7_224", 5_506_996)]
    [InlineData("vit_small_patch16_224", 22_050_664)]
    [InlineData("deit_tiny_patch16_224", 5_717_416)]
    [InlineData("mixer_b16_224", 59_880_472)]
    [InlineData("resmlp_12_224", 15_350_872)]
    public void Every_paper_preset_has_its_reference_parameter_count(string name, long parameters)
    {
        using var model = ModelZoo.Create(name);
        Assert.Equal(parameters, model.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void The_zoo_holds_the_nine_paper_models_and_rejects_unknown_names()
    {
        Assert.Equal(9, ModelZoo.Presets.Count);
        var error = Assert.Throws<ArgumentException>(() => ModelZoo.Create("resnet50"));
        Assert.Contains("deit_tiny_patch16_224", error.Message);
    }
}
