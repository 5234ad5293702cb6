using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// Truncated normal initialisation. TorchSharp 0.107's <c>nn.init.trunc_normal_</c> fills the
/// tensor with the constant <c>std</c> instead of sampling, so the backbones use this instead.
/// </summary>
public static class TruncatedNormal
{
    /// <summary>
    /// Fills <paramref name="tensor"/> in place with samples of N(<paramref name="mean"/>, <paramref name="std"/>²)
    /// restricted to [<paramref name="a"/>, <paramref name="b"/>] (absolute bounds, as in PyTorch and timm).
    /// </summary>
    /// <returns>The same tensor.</returns>
    public static Tensor Fill(Tensor tensor, double mean = 0.0, double std = 1.0, double a = -2.0, double b = 2.0)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!(std > 0)) throw new ArgumentOutOfRangeException(nameof(std), std, "The standard deviation must be positive.");
        if (!(a < b)) throw new ArgumentException($"The lower bound {a} must be below the upper bound {b}.", nameof(a));

        // Inverse-CDF sampling: draw uniformly between the CDF values of the bounds, map back
        // through the normal quantile (via erfinv), and clamp away rounding at the edges.
        var lower = StandardNormalCdf((a - mean) / std);
        var upper = StandardNormalCdf((b - mean) / std);
        using var noGrad = torch.no_grad();
        tensor.uniform_(2 * lower - 1, 2 * upper - 1);
        tensor.erfinv_();
        tensor.mul_(std * Math.Sqrt(2.0));
        tensor.add_(mean);
        tensor.clamp_(a, b);
        return tensor;
    }

    private static double StandardNormalCdf(double x)
    {
        using var value = torch.tensor(x / Math.Sqrt(2.0), ScalarType.Float64);
        using var erf = torch.special.erf(value);
        return 0.5 * (1.0 + erf.item<double>());
    }
}
