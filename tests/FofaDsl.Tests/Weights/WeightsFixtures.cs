using FofaDsl.Backbones;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Weights;

/// <summary>Small models, checkpoint folders and state comparisons shared by the weight-loading tests.</summary>
internal static class WeightsFixtures
{
    /// <summary>ResNet18 layout at width 4 on 8x8 images: every key of the real one, a few thousand weights.</summary>
    public static ResNet SmallResNet(int seed, int numClasses = 10)
    {
        torch.manual_seed(seed);
        return new ResNet(ResNetOptions.ResNet18(numClasses: numClasses, stem: ResNetStem.Cifar, imageSize: 8) with { BaseWidth = 4 });
    }

    /// <summary>A 4-block ViT with D = 8 on 8x8 images of 4x4 patches.</summary>
    public static VisionTransformer SmallVit(int seed, int numClasses = 10)
    {
        torch.manual_seed(seed);
        var model = new VisionTransformer(new VisionTransformerOptions
        {
            NumClasses = numClasses, ImageSize = 8, PatchSize = 4, EmbedDim = 8, Depth = 4, Heads = 2,
        });
        // cls_token and pos_embed may start as constants; random values make a wrong copy visible.
        using var noGrad = no_grad();
        foreach (var (_, parameter) in model.named_parameters()) parameter.copy_(randn_like(parameter));
        return model;
    }

    /// <summary>Runs <paramref name="steps"/> training-mode forwards so BatchNorm running stats and counters move off their defaults.</summary>
    public static void RunTrainingForwards(nn.Module<Tensor, Tensor> model, int steps)
    {
        model.train();
        using var noGrad = no_grad();
        for (var i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            model.call(rand(2, 3, 8, 8));
        }
        model.eval();
    }

    /// <summary>Deep copies of every state-dict tensor, to compare against later.</summary>
    public static Dictionary<string, Tensor> Snapshot(nn.Module model) =>
        model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());

    /// <summary>Asserts both dictionaries hold the same names with equal values, dtypes and shapes.</summary>
    public static void AssertSameState(IReadOnlyDictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> actual, Func<string, bool>? only = null)
    {
        only ??= _ => true;
        Assert.Equal(expected.Keys.Where(only).Order(), actual.Keys.Where(only).Order());
        foreach (var (name, tensor) in expected.Where(kv => only(kv.Key)))
        {
            Assert.Equal(tensor.dtype, actual[name].dtype);
            Assert.True(Same(tensor, actual[name]), $"'{name}' differs.");
        }
    }

    /// <summary>True when any tensor of <paramref name="a"/> differs from its namesake in <paramref name="b"/>.</summary>
    public static bool AnyDiffers(IReadOnlyDictionary<string, Tensor> a, IReadOnlyDictionary<string, Tensor> b) =>
        a.Any(kv => !Same(kv.Value, b[kv.Key]));

    /// <summary>Same shape and bit-equal values.</summary>
    public static bool Same(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) return false;
        using var equal = a.eq(b).all();
        return equal.item<bool>();
    }
}

/// <summary>A fresh folder for checkpoint files, deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fofa-weights-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* A leftover temp folder is harmless. */ }
    }
}
