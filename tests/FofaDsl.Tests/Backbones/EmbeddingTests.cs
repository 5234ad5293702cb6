using FofaDsl.Backbones;
using FofaDsl.Tests.TestModels;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Backbones;

/// <summary>
/// The embedding is exactly what each family's final Linear reads: the Linear applied by hand to it
/// gives the logits, and <see cref="StagedBackbone.ForwardAll"/> agrees with the plain forward pass.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class EmbeddingTests
{
    private const int Classes = 5;

    /// <summary>Family name, a small model, its input side, and the name of its final Linear.</summary>
    public static TheoryData<string> Families => new() { "ResNet", "VisionTransformer", "MobileNetV2", "ConvNeXt", "Swin", "MlpMixer", "ResMlp" };

    private static (StagedBackbone Model, int ImageSize, string Classifier, int Width) Create(string family) => family switch
    {
        "ResNet" => (new ResNet(new ResNetOptions { NumClasses = Classes, ImageSize = 16, Stem = ResNetStem.Cifar, BaseWidth = 4, BlocksPerStage = [1, 1, 1, 1] }), 16, "fc", 32),
        "VisionTransformer" => (new VisionTransformer(new VisionTransformerOptions { NumClasses = Classes, ImageSize = 16, PatchSize = 4, EmbedDim = 16, Depth = 4, Heads = 2 }), 16, "head", 16),
        "MobileNetV2" => (new MobileNetV2(MobileNetV2Options.Standard(numClasses: Classes, imageSize: 32, widthMultiplier: 0.25)), 32, "classifier", 1280),
        "ConvNeXt" => (new ConvNeXt(new ConvNeXtOptions { NumClasses = Classes, ImageSize = 32, Depths = [1, 1, 1, 1], Dims = [8, 16, 32, 64] }), 32, "head.fc", 64),
        "Swin" => (new SwinTransformer(new SwinTransformerOptions
        {
            NumClasses = Classes, ImageSize = 32, PatchSize = 2, WindowSize = 2, EmbedDim = 8, Depths = [1, 1, 1, 1], Heads = [1, 2, 2, 4],
        }), 32, "head.fc", 64),
        "MlpMixer" => (new MlpMixer(new MlpMixerOptions { NumClasses = Classes, ImageSize = 32, PatchSize = 8, EmbedDim = 16, Depth = 4 }), 32, "head", 16),
        "ResMlp" => (new ResMlp(new ResMlpOptions { NumClasses = Classes, ImageSize = 32, PatchSize = 8, EmbedDim = 16, Depth = 4 }), 32, "head", 16),
        _ => throw new ArgumentOutOfRangeException(nameof(family)),
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void The_final_linear_applied_to_the_embedding_gives_the_logits(string family)
    {
        manual_seed(31);
        var (model, imageSize, classifier, width) = Create(family);
        using var _ = model;
        model.eval();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var weight = parameters[classifier + ".weight"];
        var bias = parameters[classifier + ".bias"];
        // Mixer and ResMLP start their heads at zero; random weights make the comparison meaningful.
        using (no_grad())
        {
            weight.normal_();
            bias.normal_();
        }
        using var images = randn(2, 3, imageSize, imageSize);

        using var noGrad = no_grad();
        var all = model.ForwardAll(images);
        var logits = model.call(images);

        Assert.True(model.ClassifiesEmbedding);
        Assert.Equal(width, model.EmbeddingWidth);
        Assert.Equal([2L, width], all.Embedding.shape);
        var byHand = all.Embedding.matmul(weight.t()) + bias;
        Assert.True(byHand.allclose(logits, rtol: 1e-4, atol: 1e-5), $"{family}: Linear(embedding) differs from the logits.");
        Assert.True(model.ForwardClassifier(all.Embedding).allclose(logits, rtol: 1e-4, atol: 1e-5));
        Assert.True(all.Logits.allclose(logits, rtol: 1e-4, atol: 1e-5));
        var (_, stages) = model.ForwardWithStages(images);
        Assert.Equal(4, all.Stages.Count);
        for (var i = 0; i < 4; i++) Assert.True(all.Stages[i].allclose(stages[i], rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void A_spatial_user_model_embeds_by_the_mean_over_height_and_width_of_stage_4()
    {
        manual_seed(32);
        using var model = new TinySpatialBackbone(Classes);
        model.eval();
        using var images = randn(3, 3, 16, 16);
        using var noGrad = no_grad();

        var all = model.ForwardAll(images);

        Assert.False(model.ClassifiesEmbedding);
        Assert.Equal(32, model.EmbeddingWidth);
        var stage4 = all.Stages[3]; // [3, 32, 2, 2]
        var byHand = (stage4[.., .., 0, 0] + stage4[.., .., 0, 1] + stage4[.., .., 1, 0] + stage4[.., .., 1, 1]) / 4;
        Assert.True(all.Embedding.allclose(byHand, rtol: 1e-5, atol: 1e-6));
        Assert.True(all.Logits.allclose(model.call(images), rtol: 1e-5, atol: 1e-6));
        Assert.Throws<NotSupportedException>(() => model.ForwardClassifier(all.Embedding));
    }

    [Fact]
    public void A_token_user_model_embeds_by_the_mean_over_the_patch_tokens_without_the_class_token()
    {
        manual_seed(33);
        using var model = new TinyTokenBackbone(Classes);
        using var images = randn(2, 3, 16, 16);
        using var noGrad = no_grad();

        var all = model.ForwardAll(images);

        Assert.Equal(24, model.EmbeddingWidth);
        var stage4 = all.Stages[3]; // [2, 17, 24]: class token, then 16 patch tokens
        var sum = zeros(2, 24);
        for (var t = 1; t <= 16; t++) sum += stage4[.., t];
        Assert.True(all.Embedding.allclose(sum / 16, rtol: 1e-5, atol: 1e-6));
        Assert.False(all.Embedding.allclose(stage4.mean([1]), rtol: 1e-3, atol: 1e-4));
    }
}
