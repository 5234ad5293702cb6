using System.Globalization;
using FofaDsl.Backbones;
using FofaDsl.Examples;
using FofaDsl.Platform;
using static TorchSharp.torch;

namespace FofaDsl.Benchmarks;

/// <summary>
/// <c>bench conv</c>: what the oneDNN workaround (<see cref="TorchRuntime"/>) costs on this CPU. Convolution layers of real
/// models (forward + backward at their real sizes) and the quickstart's training steps, timed with oneDNN convolutions
/// on (what libtorch does by default; wrong on affected CPUs) and off (FofaDsl's setting), interleaved run by run so that
/// a noisy machine shifts both columns alike. Only meaningful on a CPU whose oneDNN is right (the probe says so).
/// </summary>
internal static class ConvolutionCostBench
{
    public static void Run(int runs)
    {
        Console.WriteLine($"Cost of the oneDNN workaround on {CpuIdentity.Current}, {get_num_threads()} threads; median of {runs} interleaved runs");
        Console.WriteLine();
        Console.WriteLine("| convolutions (forward + backward) | shapes | oneDNN on, ms | oneDNN off (FofaDsl), ms | cost |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, batch, shapes) in ModelShapes()) Row(name, shapes.Count, ConvolutionPass(shapes, batch), runs);
        Console.WriteLine();
        Console.WriteLine("| quickstart training step (batch 128) | | oneDNN on, ms | oneDNN off (FofaDsl), ms | cost |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, create) in QuickstartSteps.All) Row(name, null, QuickstartSteps.Prepare(create, CPU), runs);
        Console.WriteLine();
    }

    private static void Row(string name, int? shapes, Action action, int runs)
    {
        var (on, off) = (new double[runs], new double[runs]);
        try
        {
            for (var i = -1; i < runs; i++)
            {
                // Run -1 warms both settings up.
                LibTorchContext.SetOneDnnEnabled(true);
                var withOneDnn = Time(action);
                LibTorchContext.SetOneDnnEnabled(false);
                var without = Time(action);
                if (i >= 0) (on[i], off[i]) = (withOneDnn, without);
            }
        }
        finally
        {
            LibTorchContext.SetOneDnnEnabled(false);
        }
        var (medianOn, medianOff) = (Median(on), Median(off));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {shapes?.ToString(CultureInfo.InvariantCulture) ?? ""} | {medianOn:F1} | {medianOff:F1} | {medianOff / medianOn:F2}x |"));
    }

    private static double Time(Action action)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    /// <summary>The distinct convolution shapes of a few models, each recorded from one forward pass.</summary>
    private static IEnumerable<(string Name, int Batch, IReadOnlyList<ConvolutionShape> Shapes)> ModelShapes()
    {
        IReadOnlyList<ConvolutionShape> Record(nn.Module<Tensor, Tensor> model, int channels, int size)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var images = randn(1, channels, size, size);
            return ConvolutionShapes.Record([model], () => model.call(images));
        }

        var size = Quickstart.Spec.ImageSize;
        using (var student = Quickstart.CreateStudent())
            yield return ($"quickstart student ({Quickstart.Spec.Student}, {size} px, batch {QuickstartSteps.Batch})", QuickstartSteps.Batch, Record(student, Quickstart.Spec.InputChannels, size));
        foreach (var preset in new[] { "resnet18", "mobilenetv2_100", "convnext_tiny" })
        {
            using var model = ModelZoo.Create(preset, numClasses: 100);
            yield return ($"{preset} (224 px, batch 8)", 8, Record(model, 3, 224));
        }
    }

    /// <summary>One forward and backward pass of every shape at <paramref name="batch"/>, on random data made once.</summary>
    private static Action ConvolutionPass(IReadOnlyList<ConvolutionShape> shapes, int batch)
    {
        var tensors = shapes.Select(shape =>
        {
            var input = randn([batch, shape.InChannels, .. shape.Input.Select(v => (long)v)]).requires_grad_(true);
            var weight = (randn([shape.OutChannels, shape.InChannels / shape.Groups, .. shape.Kernel.Select(v => (long)v)]) * 0.1).requires_grad_(true);
            var bias = zeros(shape.OutChannels).requires_grad_(true);
            return (Shape: shape, Input: input, Weight: weight, Bias: bias);
        }).ToList();
        return () =>
        {
            foreach (var (shape, input, weight, bias) in tensors)
            {
                using var scope = NewDisposeScope();
                ConvolutionProbe.Convolve(shape, input, weight, bias).sum().backward();
            }
        };
    }
}
