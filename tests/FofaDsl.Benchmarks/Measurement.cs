using System.Diagnostics;

namespace FofaDsl.Benchmarks;

/// <summary>Median wall time of an action after warm-up runs (libtorch allocates and picks kernels on the first calls).</summary>
internal static class Measurement
{
    public static TimeSpan Median(Action action, int warmup, int runs)
    {
        for (var i = 0; i < warmup; i++) action();
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return TimeSpan.FromMilliseconds(times[runs / 2]);
    }

    /// <summary>
    /// Median milliseconds of <paramref name="first"/> and <paramref name="second"/>, one warm-up each, then
    /// <paramref name="rounds"/> rounds that run one after the other, so that both see the same machine.
    /// </summary>
    public static (double First, double Second) InterleavedMedians(Action first, Action second, int rounds)
    {
        first();
        second();
        var (a, b) = (new double[rounds], new double[rounds]);
        for (var r = 0; r < rounds; r++)
        {
            var clock = Stopwatch.StartNew();
            first();
            a[r] = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            second();
            b[r] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(a);
        Array.Sort(b);
        return (a[rounds / 2], b[rounds / 2]);
    }
}
