using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// One timm ConvNeXt stage: an optional <c>downsample</c> (<see cref="LayerNorm2d"/>, then a 2x2
/// convolution with stride 2) followed by <c>blocks</c>. Parameter names match timm's.
/// </summary>
public sealed class ConvNeXtStage : nn.Module<Tensor, Tensor>
{
    private readonly Sequential? downsample;
    private readonly Sequential blocks;

    /// <summary>
    /// Creates a stage from <paramref name="inChannels"/> to <paramref name="outChannels"/>; it halves
    /// the side when <paramref name="downsampleInput"/> is set. <paramref name="dropPathRates"/> holds
    /// one stochastic-depth rate per block.
    /// </summary>
    public ConvNeXtStage(int inChannels, int outChannels, bool downsampleInput, IReadOnlyList<double> dropPathRates, double layerScaleInit)
        : base(nameof(ConvNeXtStage))
    {
        ArgumentNullException.ThrowIfNull(dropPathRates);
        if (downsampleInput || inChannels != outChannels)
        {
            var stride = downsampleInput ? 2 : 1;
            downsample = nn.Sequential(
                new LayerNorm2d(inChannels, ConvNeXtBlock.LayerNormEpsilon),
                nn.Conv2d(inChannels, outChannels, kernel_size: stride, stride: stride));
        }
        blocks = nn.Sequential(dropPathRates.Select(rate => (nn.Module<Tensor, Tensor>)new ConvNeXtBlock(outChannels, layerScaleInit, rate)).ToArray());
        RegisterComponents();
    }

    /// <summary>The downsampling (when there is one) and each block, in order: <see cref="StagedBackbone.StageSegments"/>.</summary>
    internal IReadOnlyList<Func<Tensor, Tensor>> Segments =>
        (downsample is null ? [] : new Func<Tensor, Tensor>[] { downsample.call })
            .Concat(blocks.children().Cast<nn.Module<Tensor, Tensor>>().Select(block => (Func<Tensor, Tensor>)block.call)).ToList();

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = downsample is null ? input : downsample.call(input);
        return blocks.call(x).MoveToOuterDisposeScope();
    }
}
