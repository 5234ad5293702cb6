using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;

namespace FofaDsl.Platform;

/// <summary>
/// One convolution as a model runs it: the layer's settings and the spatial size of its input. Two layers with equal
/// shapes run the same kernel, so the self-check probes each distinct shape once.
/// </summary>
/// <param name="InChannels">Input channels.</param>
/// <param name="OutChannels">Output channels.</param>
/// <param name="Kernel">Kernel size per spatial dimension (1, 2 or 3 of them).</param>
/// <param name="Stride">Stride per spatial dimension.</param>
/// <param name="Padding">Padding per spatial dimension, both sides (<see cref="SamePadding"/> pads as PyTorch's <c>padding="same"</c>).</param>
/// <param name="Dilation">Dilation per spatial dimension.</param>
/// <param name="Groups">Groups (equal to the channels for a depthwise convolution).</param>
/// <param name="Input">Input spatial size per dimension.</param>
/// <param name="PaddingMode">How the padding is filled.</param>
/// <param name="SamePadding">Whether the layer pads to keep the size (<c>Padding.Same</c>), possibly more on one side.</param>
public sealed record ConvolutionShape(
    int InChannels, int OutChannels, IReadOnlyList<int> Kernel, IReadOnlyList<int> Stride, IReadOnlyList<int> Padding,
    IReadOnlyList<int> Dilation, int Groups, IReadOnlyList<int> Input, PaddingModes PaddingMode = PaddingModes.Zeros, bool SamePadding = false)
{
    /// <summary>A 2-d convolution with square kernel, stride and padding (<c>kernel / 2</c> by default) over a square input.</summary>
    public static ConvolutionShape Square(int inChannels, int outChannels, int kernel, int stride, int size, int groups = 1, int? padding = null) =>
        new(inChannels, outChannels, [kernel, kernel], [stride, stride], [padding ?? kernel / 2, padding ?? kernel / 2], [1, 1], groups, [size, size]);

    /// <summary>The shape of <paramref name="layer"/> applied to an input of <paramref name="inputShape"/> (<c>[B, C, ...spatial]</c>).</summary>
    public static ConvolutionShape Of(Convolution layer, IReadOnlyList<long> inputShape)
    {
        var dimensions = layer.kernel_size.Length;
        int[] Ints(long[]? values, int fallback) => values is { Length: > 0 }
            ? Enumerable.Range(0, dimensions).Select(i => checked((int)values[Math.Min(i, values.Length - 1)])).ToArray()
            : Enumerable.Repeat(fallback, dimensions).ToArray();
        var same = layer.padding_type == TorchSharp.Padding.Same;
        var valid = layer.padding_type == TorchSharp.Padding.Valid;
        return new ConvolutionShape(
            checked((int)layer.in_channels), checked((int)layer.out_channels), Ints(layer.kernel_size, 1), Ints(layer.stride, 1),
            same || valid ? new int[dimensions] : Ints(layer.padding, 0), Ints(layer.dilation, 1), checked((int)layer.groups),
            inputShape.Skip(inputShape.Count - dimensions).Select(v => checked((int)v)).ToArray(), layer.padding_mode, same);
    }

    /// <summary>E.g. <c>conv2d 8->16 k3x3 s2x2 p1x1 g1 on 28x28</c> (plus dilation, padding mode and "same" where they are not the defaults).</summary>
    public override string ToString()
    {
        static string Join(IReadOnlyList<int> values) => string.Join("x", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
        var text = $"conv{Kernel.Count}d {InChannels}->{OutChannels} k{Join(Kernel)} s{Join(Stride)} " +
                   (SamePadding ? "p same" : $"p{Join(Padding)}") + $" g{Groups} on {Join(Input)}";
        if (Dilation.Any(d => d != 1)) text += $" dilation {Join(Dilation)}";
        if (PaddingMode != PaddingModes.Zeros) text += $" {PaddingMode.ToString().ToLowerInvariant()} padding";
        return text;
    }

    /// <summary>Value equality over the lists' elements (a record compares list references).</summary>
    public bool Equals(ConvolutionShape? other) =>
        other is not null && InChannels == other.InChannels && OutChannels == other.OutChannels && Groups == other.Groups &&
        PaddingMode == other.PaddingMode && SamePadding == other.SamePadding && Kernel.SequenceEqual(other.Kernel) &&
        Stride.SequenceEqual(other.Stride) && Padding.SequenceEqual(other.Padding) && Dilation.SequenceEqual(other.Dilation) &&
        Input.SequenceEqual(other.Input);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(InChannels); hash.Add(OutChannels); hash.Add(Groups); hash.Add(PaddingMode); hash.Add(SamePadding);
        foreach (var list in new[] { Kernel, Stride, Padding, Dilation, Input })
            foreach (var value in list) hash.Add(value);
        return hash.ToHashCode();
    }
}
