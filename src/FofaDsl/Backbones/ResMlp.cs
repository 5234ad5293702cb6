using FofaDsl.Stages;
using TorchSharp;

namespace FofaDsl.Backbones;

/// <summary>
/// A timm-style ResMLP (timm builds it as its Mixer model with ResMLP blocks) cut into the stem
/// (patch embedding to tokens <c>[B, L, D]</c>, no class token), four stages of consecutive
/// <see cref="ResMlpBlock"/>s ending at <see cref="MixerFamilyBackbone{TBlock}.StageEnds"/>, and the head (final
/// <see cref="Affine"/> <c>norm</c>, mean over tokens, <c>head</c>).
/// Parameter names equal timm's, so its state dicts load by name.
/// </summary>
[StageGeometry(StageLayout.Tokens, Channels = [384, 384, 384, 384], Strides = [16, 16, 16, 16], StemChannels = 384, StemStride = 16, RoundDown = true, ReferenceWidth = 384, ReferencePatch = 16)]
public sealed class ResMlp : MixerFamilyBackbone<ResMlpBlock>
{
    /// <summary>Builds the ResMLP described by <paramref name="options"/>, initialised as timm does (the head starts at zero).</summary>
    /// <exception cref="ArgumentException">When the options are invalid (e.g. the image size is not a multiple of the patch size).</exception>
    public ResMlp(ResMlpOptions options)
        : base(nameof(ResMlp), Valid(options).InputChannels, options.EmbedDim, options.PatchSize, options.GridSize, options.StageEnds, options.NumClasses,
            Enumerable.Range(0, options.Depth).Select(_ => new ResMlpBlock(options.EmbedDim, options.TokenCount, options.MlpHiddenDim, options.InitLayerScale, options.DropPathRate)), new Affine(options.EmbedDim))
    {
        Options = options;
    }

    /// <summary>The options this ResMLP was built from.</summary>
    public ResMlpOptions Options { get; }

    private static ResMlpOptions Valid(ResMlpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }
}
