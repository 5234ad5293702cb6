using System;

namespace FofaDsl.Generators.Parsing;

/// <summary>
/// Valid RAA query counts: N = 4*g*g (one g x g grid per stage, g at least 1). FOFA004 carries <see cref="Nearest"/> as its
/// fix value, so the code fix writes exactly what the message suggests.
/// </summary>
internal static class QueryCounts
{
    /// <summary>Whether <paramref name="queries"/> is 4*g*g for some g &gt;= 1.</summary>
    public static bool IsValid(int queries)
    {
        if (queries < 4 || queries % 4 != 0) return false;
        var grid = GridAtMost(queries);
        return 4L * grid * grid == queries;
    }

    /// <summary>
    /// The valid count closest to <paramref name="queries"/>; a tie goes to the larger count
    /// (more queries keep more of the teacher's spatial detail). Counts below 4 give 4.
    /// </summary>
    public static int Nearest(int queries)
    {
        if (queries <= 4) return 4;
        var grid = GridAtMost(queries);
        long lower = 4L * grid * grid, upper = 4L * (grid + 1) * (grid + 1);
        return upper > int.MaxValue || queries - lower < upper - queries ? (int)lower : (int)upper;
    }

    /// <summary>The largest g &gt;= 1 with 4*g*g &lt;= queries (queries &gt;= 4), exact despite floating-point rounding.</summary>
    private static long GridAtMost(int queries)
    {
        var grid = Math.Max(1L, (long)Math.Sqrt(queries / 4.0));
        while (4L * (grid + 1) * (grid + 1) <= queries) grid++;
        while (grid > 1 && 4L * grid * grid > queries) grid--;
        return grid;
    }
}
