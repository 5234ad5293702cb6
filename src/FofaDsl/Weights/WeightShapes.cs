namespace FofaDsl.Weights;

/// <summary>Shape helpers shared by the weight loader and its messages.</summary>
internal static class WeightShapes
{
    /// <summary>PyTorch-like rendering: <c>[64, 3, 7, 7]</c>, <c>[]</c> for a scalar.</summary>
    public static string Format(IReadOnlyList<long> shape) => $"[{string.Join(", ", shape)}]";

    /// <summary>Element-wise equality of two shapes.</summary>
    public static bool Equal(long[] a, long[] b) => a.AsSpan().SequenceEqual(b);
}
