using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// timm's <c>PatchEmbed</c>: a convolution with kernel and stride equal to the patch size
/// (<c>proj</c>), flattened to patch tokens <c>[B, L, D]</c> in row-major grid order.
/// </summary>
public sealed class PatchEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d proj;

    /// <summary>Creates the embedding of <paramref name="patchSize"/>-pixel patches into <paramref name="embedDim"/> channels.</summary>
    public PatchEmbedding(int inputChannels, int embedDim, int patchSize) : base(nameof(PatchEmbedding))
    {
        proj = nn.Conv2d(inputChannels, embedDim, kernel_size: patchSize, stride: patchSize);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        return proj.call(images).flatten(2).transpose(1, 2).MoveToOuterDisposeScope();
    }
}
