using FofaDsl.Backbones;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Backbones;

[Collection(TorchCollection.Name)]
public sealed class VisionTransformerDropPathTests
{
    [Fact]
    public void Drop_path_rises_linearly_and_acts_only_in_training()
    {
        var options = VisionTransformerOptions.DeiTTiny(10, 16, 1) with { PatchSize = 8, EmbedDim = 8, Depth = 5, Heads = 2, DropPathRate = 0.4 };
        Assert.Equal([0.0, 0.1, 0.2, 0.30000000000000004, 0.4], Enumerable.Range(0, 5).Select(options.BlockDropPathRate));

        torch.manual_seed(0);
        using var model = new VisionTransformer(options);
        using var images = randn(8, 1, 16, 16);
        model.eval();
        Assert.True(model.call(images).equal(model.call(images)).all().item<bool>());
        model.train();
        Assert.False(model.call(images).equal(model.call(images)).all().item<bool>());
    }

    [Fact]
    public void Drop_path_is_off_by_default_and_a_rate_of_one_is_refused()
    {
        Assert.Equal(0, VisionTransformerOptions.DeiTTiny().DropPathRate);
        Assert.Throws<ArgumentException>(() => new VisionTransformer(VisionTransformerOptions.DeiTTiny(10, 16, 1) with { PatchSize = 8, DropPathRate = 1 }));
    }
}
