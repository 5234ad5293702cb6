using System.Text.Json;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.Fofa;

/// <summary>
/// A tensor summarised as eng/reference/pat_whole_step.py summarises it: element count, sum, sum of magnitudes, sum of
/// squares, a probe <c>sum t_i sin(0.61803398875 (i + 1))</c> over the row-major elements, and the first four values.
/// Two tensors whose fingerprints agree to 1e-8 agree element by element except by a coincidence no bug produces.
/// </summary>
internal sealed record TensorFingerprint(long Count, double Sum, double Abs, double Squares, double Probe, double[] Head)
{
    /// <summary>The magnitude per element below which a difference is rounding noise, not a difference.</summary>
    public const double NoiseFloor = 1e-11;

    public static TensorFingerprint Of(Tensor tensor)
    {
        var values = tensor.detach().cpu().to(float64).contiguous().data<double>().ToArray();
        double sum = 0, abs = 0, squares = 0, probe = 0;
        for (var i = 0; i < values.Length; i++)
        {
            sum += values[i];
            abs += Math.Abs(values[i]);
            squares += values[i] * values[i];
            probe += values[i] * Math.Sin(0.61803398875 * (i + 1));
        }
        return new TensorFingerprint(values.Length, sum, abs, squares, probe, values.Take(4).ToArray());
    }

    public static TensorFingerprint Read(JsonElement element) => new(
        element.GetProperty("n").GetInt64(),
        element.GetProperty("sum").GetDouble(),
        element.GetProperty("abs").GetDouble(),
        element.GetProperty("sq").GetDouble(),
        element.GetProperty("probe").GetDouble(),
        element.GetProperty("head").EnumerateArray().Select(e => e.GetDouble()).ToArray());

    /// <summary>
    /// Null when this (computed) fingerprint agrees with <paramref name="expected"/> to <paramref name="relative"/> of the
    /// tensor's scale (its mean magnitude for single values, its sum of magnitudes for sums); else what differs.
    /// </summary>
    /// <remarks>
    /// Values below <see cref="NoiseFloor"/> per element count as zero: gradients that are zero in exact arithmetic (a
    /// bias followed by BatchNorm, the key bias of a softmax attention) come out as rounding noise of 1e-14 or less on
    /// both sides, different noise, and AdamW turns it into updates of about 1e-12 per step.
    /// </remarks>
    public string? Difference(TensorFingerprint expected, double relative)
    {
        if (Count != expected.Count) return $"{Count} elements, expected {expected.Count}";
        var scale = Math.Max(expected.Abs, NoiseFloor * Count / relative);
        var perElement = scale / Math.Max(1, Count);
        var problems = new List<string>();
        void Check(string what, double actual, double wanted, double tolerance)
        {
            if (!(Math.Abs(actual - wanted) <= tolerance)) problems.Add($"{what} {actual:R} vs {wanted:R}");
        }
        Check("sum", Sum, expected.Sum, relative * scale);
        Check("abs", Abs, expected.Abs, relative * scale);
        Check("sq", Squares, expected.Squares, relative * Math.Max(expected.Squares, scale * scale / Count) * 2);
        Check("probe", Probe, expected.Probe, relative * scale);
        for (var i = 0; i < Head.Length; i++) Check($"[{i}]", Head[i], expected.Head[i], relative * Math.Max(Math.Abs(expected.Head[i]), perElement));
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }
}
