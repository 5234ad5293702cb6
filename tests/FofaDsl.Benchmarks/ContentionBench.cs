using System.Diagnostics;
using System.Globalization;
using static TorchSharp.torch;

namespace FofaDsl.Benchmarks;

/// <summary>
/// <c>bench contention [--seconds S]</c>: the quickstart teacher's training throughput alone and while a second, identical
/// run shares the CPU, under each OpenMP setting. Each measurement is a child process, because libgomp reads its wait
/// policy once, when libtorch loads.
/// </summary>
internal static class ContentionBench
{
    private static readonly (string Name, string? WaitPolicy, int? Threads)[] Settings =
    [
        ("default (all cores, libgomp's spin-then-sleep)", null, null),
        ("OMP_WAIT_POLICY=PASSIVE", "PASSIVE", null),
        ("OMP_WAIT_POLICY=ACTIVE", "ACTIVE", null),
        ("1 thread (--threads 1)", null, 1),
    ];

    public static void Run(int seconds)
    {
        Console.WriteLine($"Quickstart teacher step (batch {QuickstartSteps.Batch}), {seconds} s per measurement, {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| OpenMP setting | alone, images/s | beside a second run, images/s each | shared / alone |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, policy, threads) in Settings)
        {
            var alone = Measure(1, seconds, policy, threads)[0];
            var shared = Measure(2, seconds, policy, threads);
            var each = shared.Average();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {alone:F0} | {string.Join(" / ", shared.Select(s => s.ToString("F0", CultureInfo.InvariantCulture)))} | {each / alone:F2} |"));
        }
        Console.WriteLine();
    }

    /// <summary>The child: trains the teacher step for <paramref name="seconds"/> after warm-up and prints its images per second.</summary>
    public static void Throughput(int seconds)
    {
        var threads = Environment.GetEnvironmentVariable("FOFA_BENCH_THREADS");
        if (int.TryParse(threads, out var count)) set_num_threads(count);
        var step = QuickstartSteps.Prepare(QuickstartSteps.All[0].Create, CPU);
        step();
        step();
        var clock = Stopwatch.StartNew();
        var images = 0L;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            step();
            images += QuickstartSteps.Batch;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"images/s {images / clock.Elapsed.TotalSeconds:F1}"));
    }

    private static double[] Measure(int processes, int seconds, string? policy, int? threads)
    {
        var children = Enumerable.Range(0, processes).Select(_ =>
        {
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
            // Run through the dotnet host as this process was, or as the app host directly.
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(typeof(ContentionBench).Assembly.Location);
            foreach (var argument in new[] { "throughput", "--seconds", seconds.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(argument);
            if (policy is not null) start.Environment["OMP_WAIT_POLICY"] = policy;
            if (threads is not null) start.Environment["FOFA_BENCH_THREADS"] = threads.Value.ToString(CultureInfo.InvariantCulture);
            return Process.Start(start)!;
        }).ToList();
        return children.Select(child =>
        {
            var text = child.StandardOutput.ReadToEnd();
            child.WaitForExit();
            var line = text.Split('\n').LastOrDefault(l => l.StartsWith("images/s ", StringComparison.Ordinal))
                       ?? throw new InvalidOperationException($"The throughput child printed no rate:\n{text}");
            return double.Parse(line["images/s ".Length..], CultureInfo.InvariantCulture);
        }).ToArray();
    }
}
