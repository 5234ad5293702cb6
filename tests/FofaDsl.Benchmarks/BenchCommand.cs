using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using FofaDsl.Backbones;
using FofaDsl.Examples;
using FofaDsl.Hosting;
using FofaDsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/FofaDsl.Benchmarks -- [zoo|steps|loader|all|conv|fofa-parts|gemm-conv|contention|generator] [--runs N] [--device D]</c>:
/// forward time of one 224 image for every zoo preset, the quickstart's training-step times, the
/// training loader's images per second, the cost of the oneDNN workaround (<see cref="ConvolutionCostBench"/>),
/// training throughput alone and beside a second run under each OpenMP wait policy (<see cref="ContentionBench"/>), or
/// (BenchmarkDotNet) the source generator's time on a project with 100 experiments.
/// </summary>
internal static class BenchCommand
{
    public static int Run(string[] args)
    {
        var what = args.FirstOrDefault(a => !a.StartsWith('-')) ?? "all";
        if (what == "generator")
        {
            // In-process: a generated benchmark project would inherit this repository's build settings.
            var job = Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance);
            BenchmarkRunner.Run<GeneratorBenchmarks>(ManualConfig.Create(DefaultConfig.Instance).AddJob(job));
            return 0;
        }
        var runs = IntOption(args, "--runs", 5);
        var device = DeviceSelection.Resolve(StringOption(args, "--device", "auto"));
        DeviceSelection.ConfigureMath(device, allowTf32: true);
        Console.WriteLine($"device {device}, {torch.get_num_threads()} CPU threads, median of {runs} runs after warm-up");
        Console.WriteLine();
        if (what is "zoo" or "all") Zoo(device, runs);
        if (what is "steps" or "all") Steps(device, runs);
        if (what is "loader" or "all") Loader();
        if (what is "conv") ConvolutionCostBench.Run(runs);
        if (what is "fofa-parts") FofaPartsBench.Run(device, IntOption(args, "--rounds", 7));
        if (what is "gemm-conv") GemmConvolutionBench.Run(IntOption(args, "--rounds", 9));
        if (what is "contention") ContentionBench.Run(IntOption(args, "--seconds", 20));
        if (what is "throughput") ContentionBench.Throughput(IntOption(args, "--seconds", 20));
        return 0;
    }

    /// <summary>Images per second the training loader delivers (shuffle + flip + normalise), CIFAR-sized, at 32 and 224 pixels.</summary>
    private static void Loader()
    {
        Console.WriteLine("| data | batch | loader images / s | with background prefetch |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (count, size) in new[] { (10_000, 32), (1_000, 224) })
        {
            var random = new Random(1);
            var pixels = new byte[count * 3 * size * size];
            random.NextBytes(pixels);
            var labels = Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();
            var dataset = new FofaDsl.Data.ImageDataset(pixels, labels, 3, size, size, Enumerable.Range(0, 10).Select(i => $"c{i}").ToArray(), 0.5f, 0.25f);
            var loader = new FofaDsl.Data.BatchLoader(dataset, FofaDsl.Data.BatchLoaderOptions.Training(128, seed: 1, randomHorizontalFlip: true));
            double Rate(Func<int, IEnumerable<(Tensor, Tensor)>> epoch)
            {
                foreach (var (a, b) in epoch(0)) { a.Dispose(); b.Dispose(); }
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var images = 0L;
                foreach (var (a, b) in epoch(1)) { images += a.shape[0]; a.Dispose(); b.Dispose(); }
                return images / clock.Elapsed.TotalSeconds;
            }
            var direct = Rate(loader.Epoch);
            var prefetched = Rate(e => FofaDsl.Data.BatchPrefetcher.Prefetch(loader.Epoch(e)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {count:N0} x 3x{size}x{size} | 128 | {direct:N0} | {prefetched:N0} |"));
        }
        Console.WriteLine();
    }

    private static void Zoo(Device device, int runs)
    {
        Console.WriteLine("| preset | parameters | forward, 1 image at 224 |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var preset in ModelZoo.Presets)
        {
            using var scope = NewDisposeScope();
            var model = ModelZoo.Create(preset.Name);
            model.to(device).eval();
            var image = randn(1, 3, 224, 224, device: device);
            var time = Measurement.Median(() =>
            {
                using var inner = NewDisposeScope();
                using var _ = no_grad();
                model.call(image);
                if (device.type == DeviceType.CUDA) cuda.synchronize();
            }, warmup: 2, runs);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {preset.Name} | {model.parameters().Sum(p => p.numel()):N0} | {time.TotalMilliseconds:F1} ms |"));
            model.Dispose();
        }
        Console.WriteLine();
    }

    private static void Steps(Device device, int runs)
    {
        Console.WriteLine($"Quickstart training steps (batch {QuickstartSteps.Batch}, {Quickstart.Spec.ImageSize}x{Quickstart.Spec.ImageSize}, teacher {Quickstart.Spec.Teacher}, student {Quickstart.Spec.Student})");
        Console.WriteLine();
        Console.WriteLine("| step | ms / step | images / s |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (name, create) in QuickstartSteps.All)
        {
            var time = Measurement.Median(QuickstartSteps.Prepare(create, device), warmup: 2, runs);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {time.TotalMilliseconds:F1} | {QuickstartSteps.Batch / time.TotalSeconds:F0} |"));
        }
        Console.WriteLine();
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
    }

    private static string StringOption(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }
}
