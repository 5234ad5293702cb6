using static TorchSharp.torch;

namespace FofaDsl.Methods.Fofa;

/// <summary>
/// ReviewKD's hierarchical context loss (method spec section 2): the mean squared error of the full
/// maps plus, with halving weights, the errors of their adaptive-average-pooled <c>4x4</c>, <c>2x2</c>
/// and <c>1x1</c> summaries (only the levels smaller than the map), normalised by the weight sum.
/// </summary>
public static class HierarchicalContextLoss
{
    private static readonly int[] CandidateLevels = [4, 2, 1];

    /// <summary>
    /// The pooled levels used for maps of height <paramref name="height"/> with their weights
    /// <c>2^-k</c>, in order; the full-resolution term (weight 1) is not listed.
    /// </summary>
    public static IReadOnlyList<(int Level, double Weight)> PoolingLevels(long height)
    {
        var levels = new List<(int, double)>();
        var weight = 1.0;
        foreach (var level in CandidateLevels)
        {
            if (level >= height) continue;
            weight /= 2.0;
            levels.Add((level, weight));
        }
        return levels;
    }

    /// <summary>The loss between two maps of the same shape <c>[B, C, h, w]</c>.</summary>
    public static Tensor Compute(Tensor a, Tensor b)
    {
        if (a.dim() != 4 || !a.shape.SequenceEqual(b.shape))
            throw new ArgumentException(
                $"HCL needs two [B, C, h, w] maps of equal shape; got [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}].");

        using var scope = NewDisposeScope();
        var loss = nn.functional.mse_loss(a, b);
        var total = 1.0;
        foreach (var (level, weight) in PoolingLevels(a.shape[2]))
        {
            var size = new long[] { level, level };
            var pooled = nn.functional.mse_loss(nn.functional.adaptive_avg_pool2d(a, size), nn.functional.adaptive_avg_pool2d(b, size));
            loss = loss + pooled * weight;
            total += weight;
        }
        return (loss / total).MoveToOuterDisposeScope();
    }
}
