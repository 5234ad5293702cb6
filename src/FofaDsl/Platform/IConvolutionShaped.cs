namespace FofaDsl.Platform;

/// <summary>
/// A module that is not a TorchSharp <c>Convolution</c> but runs ATen's convolution kernel for some inputs (FOFA's
/// <c>GemmConv2d</c> for overlapping kernels): the start-up self-check must probe those shapes like any convolution's.
/// </summary>
internal interface IConvolutionShaped
{
    /// <summary>The convolution ATen runs for an input of <paramref name="inputShape"/>, or null when none does.</summary>
    ConvolutionShape? ConvolutionShapeFor(IReadOnlyList<long> inputShape);
}
