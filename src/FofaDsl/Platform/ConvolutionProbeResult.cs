using System.Globalization;

namespace FofaDsl.Platform;

/// <summary>How far one shape's float32 convolution is from float64: each error is relative to the largest float64 value.</summary>
/// <param name="Shape">The probed shape.</param>
/// <param name="Forward">Error of the output.</param>
/// <param name="InputGradient">Error of the gradient with respect to the input.</param>
/// <param name="WeightGradient">Error of the gradient with respect to the weight.</param>
/// <param name="BiasGradient">Error of the gradient with respect to the bias.</param>
public sealed record ConvolutionProbeResult(ConvolutionShape Shape, double Forward, double InputGradient, double WeightGradient, double BiasGradient)
{
    /// <summary>The largest of the four errors (NaN if any is NaN).</summary>
    public double Worst => new[] { Forward, InputGradient, WeightGradient, BiasGradient }.Aggregate(0.0, (a, b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Max(a, b));

    /// <summary>Whether every error is within <see cref="ConvolutionProbe.Tolerance"/>.</summary>
    public bool IsRight => Worst <= ConvolutionProbe.Tolerance;

    /// <summary>Which pass is wrong, e.g. "forward NaN, input gradient 3.1E-001".</summary>
    public string Failures => string.Join(", ", new[] { ("forward", Forward), ("input gradient", InputGradient), ("weight gradient", WeightGradient), ("bias gradient", BiasGradient) }
        .Where(e => !(e.Item2 <= ConvolutionProbe.Tolerance))
        .Select(e => $"{e.Item1} {(double.IsNaN(e.Item2) ? "NaN" : e.Item2.ToString("E1", CultureInfo.InvariantCulture))}"));

    /// <summary>E.g. <c>conv2d 8->16 k3x3 s2x2 p1x1 g1 on 28x28: worst 2.1E-007</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Shape}: worst {Worst:E1}{(IsRight ? "" : $" WRONG ({Failures})")}");
}
