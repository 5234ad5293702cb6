using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// timm's <c>PatchEmbed</c> as Swin configures it: a convolution with kernel and stride equal to
/// the patch size (<c>proj</c>), channels last, then a LayerNorm (<c>norm</c>).
/// </summary>
public sealed class SwinPatchEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d proj;
    private readonly LayerNorm norm;

    /// <summary>Creates the embedding of <paramref name="patchSize"/>-pixel patches into <paramref name="embedDim"/> channels.</summary>
    public SwinPatchEmbedding(int inputChannels, int embedDim, int patchSize) : base(nameof(SwinPatchEmbedding))
    {
        proj = nn.Conv2d(inputChannels, embedDim, kernel_size: patchSize, stride: patchSize);
        norm = nn.LayerNorm(embedDim);
        RegisterComponents();
    }

    /// <summary>Images <c>[B, C, H, W]</c> to the token grid <c>[B, H/P, W/P, D]</c>.</summary>
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        return norm.call(proj.call(images).permute(0, 2, 3, 1)).MoveToOuterDisposeScope();
    }
}
