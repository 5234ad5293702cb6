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

    [Fact]
    public void Each_architecture_preset_states_the_knob_values_its_options_factory_builds()
    {
        // The generator computes stage shapes from the [Preset] values; the runtime builds the model from the factory.
        foreach (var architecture in Enum.GetValues<Architecture>())
        {
            var preset = ModelZoo.PresetOf(architecture);
            var options = ModelZoo.OptionsOf(preset, 10, 224, 3);
            // A per-stage list (Swin's heads) states its first stage's value.
            int? Value(string property) => options.GetType().GetProperty(property)?.GetValue(options) switch
            {
                int value => value,
                IReadOnlyList<int> perStage => perStage[0],
                _ => null,
            };
            void Same(string knob, int declared)
            {
                // ConvNeXt's width is its first stage's.
                var built = knob == "BaseWidth" && options is ConvNeXtOptions convNeXt ? convNeXt.Dims[0] : Value(knob);
                if (declared > 0) Assert.True(built == declared, $"{architecture}: [Preset] {knob} = {declared}, its factory builds {built}");
            }
            Same("BaseWidth", preset.BaseWidth);
            Same("PatchSize", preset.PatchSize);
            Same("EmbedDim", preset.EmbedDim);
            Same("Depth", preset.Depth);
            Same("Heads", preset.Heads);
            Same("WindowSize", preset.WindowSize);
            // Every knob a declaration may set is a property of the options (or ConvNeXt's width).
            foreach (var knob in preset.Knobs)
                Assert.True(options.GetType().GetProperty(knob) is not null || (knob == "BaseWidth" && options is ConvNeXtOptions), $"{architecture}: {knob}");
        }
    }

    [Fact]
    public void An_architecture_builds_the_zoo_model_of_its_timm_name()
    {
        Assert.Equal(Enum.GetValues<Architecture>().Length - 1, ModelZoo.Presets.Count); // the obsolete alias of DeiT-Tiny is not listed twice
        using var byEnum = ModelZoo.Create(Architecture.MobileNetV2, numClasses: 10, imageSize: 32);
        using var byName = ModelZoo.Create("mobilenetv2_100", numClasses: 10, imageSize: 32);
        Assert.Equal(byName.state_dict().Select(p => (p.Key, p.Value.numel())), byEnum.state_dict().Select(p => (p.Key, p.Value.numel())));
    }
}
