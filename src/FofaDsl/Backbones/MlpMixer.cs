using FofaDsl.Stages;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// A timm-style MLP-Mixer cut into the stem (patch embedding to tokens <c>[B, L, D]</c>, no
/// class token), four stages of consecutive <see cref="MixerBlock"/>s ending at
/// <see cref="MixerFamilyBackbone{TBlock}.StageEnds"/>, and the head (final <c>norm</c>, mean over tokens, <c>head</c>).
/// Parameter names equal timm's, so its state dicts load by name.
/// </summary>
[StageGeometry(StageLayout.Tokens, Channels = [768, 768, 768, 768], Strides = [16, 16, 16, 16], StemChannels = 768, StemStride = 16, RoundDown = true, ReferenceWidth = 768, ReferencePatch = 16)]
public sealed class MlpMixer : MixerFamilyBackbone<MixerBlock>
{
    /// <summary>Builds the Mixer described by <paramref name="options"/>, initialised as timm does (the head starts at zero).</summary>
    /// <exception cref="ArgumentException">When the options are invalid (e.g. the image size is not a multiple of the patch size).</exception>
    public MlpMixer(MlpMixerOptions options)
        : base(nameof(MlpMixer), Valid(options).InputChannels, options.EmbedDim, options.PatchSize, options.GridSize, options.StageEnds, options.NumClasses,
            Enumerable.Range(0, options.Depth).Select(_ => new MixerBlock(options.EmbedDim, options.TokenCount, options.TokenHiddenDim, options.ChannelHiddenDim, options.DropPathRate)), nn.LayerNorm(options.EmbedDim, eps: MixerBlock.LayerNormEpsilon))
    {
        Options = options;
    }

    /// <summary>The options this Mixer was built from.</summary>
    public MlpMixerOptions Options { get; }

    private static MlpMixerOptions Valid(MlpMixerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }
}
