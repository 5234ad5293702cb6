using FofaDsl.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Hosting;

/// <summary>
/// The start-up self-check of every verb that computes: finds every convolution shape the experiment builds (teacher,
/// student, each selected method's own modules) by running them once on two random images, then compares each in float32
/// with float64 (<see cref="ConvolutionProbe"/>). A wrong shape stops the run before anything is trained or written.
/// </summary>
internal static class SelfCheck
{
    /// <summary>Runs the check (unless skipped or on a GPU), prints one line and returns it for the manifest.</summary>
    /// <exception cref="ConvolutionDefectException">A shape is computed wrong on this CPU.</exception>
    public static string Run(ExperimentDefinition experiment, IReadOnlyList<MethodDefinition> methods, RunOptions options, Device device, TextWriter output)
    {
        if (options.SkipSelfCheck) return Say(output, "skipped (--skip-self-check)");
        if (device.type != DeviceType.CPU) return Say(output, $"skipped on {device} (the check is of the CPU's float32 convolutions)");

        // Building the models draws from the global generator: restore it, so that the check leaves every random stream as it was.
        var state = torch.get_rng_state();
        IReadOnlyList<ConvolutionShape> shapes;
        try
        {
            shapes = ExperimentShapes(experiment, methods);
        }
        finally
        {
            torch.set_rng_state(state);
        }
        var report = ConvolutionProbe.Check(shapes, CPU, experiment.Seed);
        report.ThrowIfWrong();
        return Say(output, $"{report.Results.Count} convolution shapes right in float32 (forward and backward, against float64) on {CpuIdentity.Current}, " +
                           $"{report.Elapsed.TotalMilliseconds:F0} ms; {TorchRuntime.Settings}");
    }

    private static string Say(TextWriter output, string result)
    {
        output.WriteLine($"self-check: {result}");
        return result;
    }

    internal static IReadOnlyList<ConvolutionShape> ExperimentShapes(ExperimentDefinition experiment, IReadOnlyList<MethodDefinition> methods)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var size = experiment.Data.ImageSize;
        var images = randn(2, experiment.Data.InputChannels, size, size);
        var labels = zeros(2, ScalarType.Int64);
        var indices = arange(2, dtype: ScalarType.Int64);
        var shapes = new List<ConvolutionShape>();
        void Add(IEnumerable<ConvolutionShape> found) => shapes.AddRange(found.Where(s => !shapes.Contains(s)));

        using var teacher = experiment.CreateTeacher?.Invoke();
        using (var student = experiment.CreateStudent())
            Add(ConvolutionShapes.Record(teacher is null ? [student] : [teacher, student], () =>
            {
                teacher?.call(images);
                student.call(images);
            }));
        foreach (var method in methods)
        {
            using var student = experiment.CreateStudent();
            var step = method.CreateStep(new MethodContext(method.NeedsTeacher ? teacher : null, student, TrainingSamples: 2));
            step.SetTraining(true);
            // Two steps: FOFA's prompts fuse the previous step's feedback, so their fusion blocks first run in the second.
            Add(ConvolutionShapes.Record(step.StatefulModules, () =>
            {
                step.Compute(images, labels, indices);
                step.Compute(images, labels, indices);
            }));
            foreach (var module in step.StatefulModules.Where(m => !ReferenceEquals(m, student))) module.Dispose();
        }
        return shapes;
    }
}
