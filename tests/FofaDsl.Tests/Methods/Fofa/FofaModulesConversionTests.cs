using FofaDsl.Backbones;
using FofaDsl.Methods.Fofa;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.Fofa;

/// <summary>FOFA's modules convert like any module (TorchSharp's ModuleDict did not: to(dtype) and to(device) threw).</summary>
[Collection(TorchCollection.Name)]
public sealed class FofaModulesConversionTests
{
    [Fact]
    public void The_modules_convert_to_float64_and_keep_their_state_dict_names()
    {
        manual_seed(3);
        using var teacher = new ResNet(ResNetOptions.ResNet18(10, ResNetStem.Cifar, 28, 1) with { BaseWidth = 16 });
        using var student = new VisionTransformer(new VisionTransformerOptions { NumClasses = 10, ImageSize = 28, InputChannels = 1, PatchSize = 7, EmbedDim = 16, Depth = 4, Heads = 2 });
        using var modules = new FofaModules(teacher, student, new FofaOptions(Queries: 16, TokenWidth: 16, Heads: 2, PromptStages: [2, 4]));
        var names = modules.state_dict().Keys.ToList();

        modules.to(float64);

        Assert.All(modules.parameters(), p => Assert.Equal(ScalarType.Float64, p.dtype));
        Assert.Equal(names, modules.state_dict().Keys);
        // Prompts are named by the teacher stage they precede, as checkpoints written before have them.
        Assert.Contains("prompt_blocks.2.beta", names);
        Assert.Contains("prompt_blocks.4.beta", names);
        Assert.DoesNotContain(names, n => n.StartsWith("prompt_blocks.1.", StringComparison.Ordinal));
    }
}
