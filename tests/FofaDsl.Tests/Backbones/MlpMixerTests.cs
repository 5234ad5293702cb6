using FofaDsl.Backbones;
using FofaDsl.Stages;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Backbones;

[Collection(TorchCollection.Name)]
public sealed class MlpMixerTests
{
    [Fact]
    public void Mixer_B16_has_timms_parameter_count()
    {
        using var model = new MlpMixer(MlpMixerOptions.MixerB16());
        Assert.Equal(59_880_472L, BackboneAssert.ParameterCount(model));
    }

    [Fact]
    public void Parameter_names_and_shapes_follow_timm()
    {
        using var model = new MlpMixer(SmallOptions());
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        // D = 16, grid 32/8 = 4 -> L = 16 tokens, token MLP 0.5 * 16 = 8, channel MLP 4 * 16 = 64.
        Assert.Equal([16L, 3, 8, 8], parameters["stem.proj.weight"]);
        Assert.Equal([16L], parameters["stem.proj.bias"]);
        Assert.Equal([8L, 16], parameters["blocks.3.mlp_tokens.fc1.weight"]);
        Assert.Equal([8L], parameters["blocks.3.mlp_tokens.fc1.bias"]);
        Assert.Equal([16L, 8], parameters["blocks.0.mlp_tokens.fc2.weight"]);
        Assert.Equal([64L, 16], parameters["blocks.1.mlp_channels.fc1.weight"]);
        Assert.Equal([16L, 64], parameters["blocks.2.mlp_channels.fc2.weight"]);
        foreach (var name in new[] { "blocks.0.norm1.weight", "blocks.0.norm1.bias", "blocks.3.norm2.weight", "norm.weight", "norm.bias" })
            Assert.Equal([16L], parameters[name]);
        Assert.Equal([10L, 16], parameters["head.weight"]);
        Assert.Equal([10L], parameters["head.bias"]);
        Assert.DoesNotContain("blocks.4.norm1.weight", parameters.Keys);

        // Hand count: stem 3*8*8*16+16; per block 2*32 (norms) + (16*8+8) + (8*16+16) + (16*64+64) + (64*16+16); norm 32; head 16*10+10.
        long perBlock = 64 + 136 + 144 + 1088 + 1040;
        Assert.Equal(3088 + 4 * perBlock + 32 + 170, BackboneAssert.ParameterCount(model));
    }

    [Fact]
    public void Small_model_shapes_match_geometry()
    {
        torch.manual_seed(21);
        using var model = new MlpMixer(SmallOptions());

        var tokens = StageGeometry.Tokens(16, 4, 4, hasClassToken: false);
        Assert.Equal(tokens, model.StemGeometry);
        Assert.All(model.StageGeometries, g => Assert.Equal(tokens, g));
        Assert.Equal([0, 1, 2, 3], model.StageEnds);
        BackboneAssert.RealShapesMatchGeometry(model, rand(2, 3, 32, 32), classes: 10);
    }

    [Fact]
    public void Depth_12_cuts_after_blocks_1_3_9_11()
    {
        using var model = new MlpMixer(SmallOptions() with { Depth = 12 });
        Assert.Equal([1, 3, 9, 11], model.StageEnds);
    }

    [Fact]
    public void Stages_together_equal_the_plain_forward()
    {
        torch.manual_seed(22);
        using var model = new MlpMixer(SmallOptions() with { Depth = 6 });
        FillHead(model, seed: 23);
        model.eval();
        using var images = rand(2, 3, 32, 32);
        using var plain = model.call(images);
        var (logits, stages) = model.ForwardWithStages(images);

        // Hand-built head: LayerNorm over channels, mean over the 16 tokens, then the linear head.
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var normalised = nn.functional.layer_norm(stages[3], [16], parameters["norm.weight"], parameters["norm.bias"], 1e-6);
        using var expected = normalised.mean([1]).matmul(parameters["head.weight"].t()) + parameters["head.bias"];
        Assert.True(allclose(plain, logits));
        Assert.True(allclose(expected, logits, rtol: 1e-4, atol: 1e-5));
        foreach (var stage in stages) stage.Dispose();
        logits.Dispose();
    }

    [Fact]
    public void Image_size_must_be_a_multiple_of_the_patch_size()
    {
        var error = Assert.Throws<ArgumentException>(() => new MlpMixer(SmallOptions() with { ImageSize = 30 }));
        Assert.Equal("ImageSize", error.ParamName);
        Assert.Contains("multiple of PatchSize", error.Message);
        Assert.Throws<ArgumentException>(() => new MlpMixer(SmallOptions() with { Depth = 3 }));
    }

    [Fact]
    public void Gradient_from_logits_reaches_the_stem()
    {
        torch.manual_seed(24);
        using var model = new MlpMixer(SmallOptions());
        // timm starts the head at zero, which would block the gradient to everything below it.
        FillHead(model, seed: 25);
        BackboneAssert.GradientReaches(model, rand(2, 3, 32, 32), "stem.proj.weight", "blocks.0.mlp_tokens.fc1.weight", "blocks.0.norm1.weight");
    }

    [Fact]
    public void Initialisation_follows_timm()
    {
        torch.manual_seed(26);
        using var model = new MlpMixer(SmallOptions() with { EmbedDim = 64 });
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);

        // Xavier uniform on fc1 of the channel MLP [256, 64]: bound sqrt(6 / (64 + 256)).
        var bound = Math.Sqrt(6.0 / (64 + 256));
        var fc1 = parameters["blocks.0.mlp_channels.fc1.weight"];
        Assert.True(fc1.abs().max().item<float>() <= bound + 1e-6);
        Assert.InRange(fc1.std().item<float>(), 0.9 * bound / Math.Sqrt(3), 1.1 * bound / Math.Sqrt(3));
        // MLP biases get N(0, 1e-6) noise.
        var bias = parameters["blocks.0.mlp_channels.fc1.bias"];
        Assert.True(bias.abs().max().item<float>() < 1e-4 && bias.abs().max().item<float>() > 0);
        // LeCun normal on the stem: std sqrt(1 / (3 * 8 * 8)).
        Assert.InRange(parameters["stem.proj.weight"].std().item<float>(), 0.9 * Math.Sqrt(1.0 / 192), 1.1 * Math.Sqrt(1.0 / 192));
        Assert.True(parameters["stem.proj.bias"].eq(0).all().item<bool>());
        Assert.True(parameters["head.weight"].eq(0).all().item<bool>());
        Assert.True(parameters["head.bias"].eq(0).all().item<bool>());
        Assert.True(parameters["blocks.1.norm2.weight"].eq(1).all().item<bool>());
    }

    [Fact]
    public void Drop_path_changes_training_outputs_only()
    {
        torch.manual_seed(27);
        using var model = new MlpMixer(SmallOptions() with { DropPathRate = 0.5 });
        using var images = rand(8, 3, 32, 32);
        model.eval();
        using var evalA = model.ForwardStage(1, model.ForwardStem(images));
        using var evalB = model.ForwardStage(1, model.ForwardStem(images));
        model.train();
        using var trained = model.ForwardStage(1, model.ForwardStem(images));
        Assert.True(evalA.eq(evalB).all().item<bool>());
        Assert.False(allclose(evalA, trained));
    }

    internal static void FillHead(nn.Module model, int seed)
    {
        torch.manual_seed(seed);
        using var noGrad = torch.no_grad();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        parameters["head.weight"].normal_(0, 0.1);
        parameters["head.bias"].normal_(0, 0.1);
    }

    private static MlpMixerOptions SmallOptions() => new()
    {
        NumClasses = 10, InputChannels = 3, ImageSize = 32, PatchSize = 8, EmbedDim = 16, Depth = 4,
    };
}
