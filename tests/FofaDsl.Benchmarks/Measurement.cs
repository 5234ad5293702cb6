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
}
