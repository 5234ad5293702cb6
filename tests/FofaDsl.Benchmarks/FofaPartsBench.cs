using System.Globalization;
using FofaDsl.Examples;
using FofaDsl.Methods;
using FofaDsl.Methods.Fofa;
using FofaDsl.Methods.Kd;
using FofaDsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Benchmarks;

/// <summary>
/// <c>bench fofa-parts</c>: where FOFA's step time goes at the quickstart's size. The whole step of logit KD and of FOFA,
/// FOFA without each component (the difference is that component's cost, forward and backward), and the teacher's
/// passes alone: the plain no-grad pass every distilling step makes, and the prompted pass FOFA adds (forward and the
/// backward to the prompts through the frozen teacher). Steps are interleaved round by round; medians and spreads.
/// </summary>
internal static class FofaPartsBench
{
    public static void Run(Device device, int rounds)
    {
        var weights = Quickstart.CreateLossWeights();
        var fofa = Quickstart.CreateFofaOptions();
        var kd = new KdOptions { Weight = weights.LogitKd, Temperature = weights.Temperature };
        ITrainingStep Fofa(FofaOptions options)
        {
            var teacher = Quickstart.CreateTeacher();
            var student = Quickstart.CreateStudent();
            return new DistillationStep("FOFA", teacher, student, weights, [new KdTerm(kd), new FofaTerm(teacher, student, options, weights)]);
        }

        var cases = new (string Name, Action Step)[]
        {
            ("logit KD step", QuickstartSteps.Prepare(() => new DistillationStep("Logit KD", Quickstart.CreateTeacher(), Quickstart.CreateStudent(), weights, [new KdTerm(kd)]), device)),
            ("FOFA step", QuickstartSteps.Prepare(() => Fofa(fofa), device)),
            ("FOFA without prompts (RAA only)", QuickstartSteps.Prepare(() => Fofa(fofa with { UsePrompts = false }), device)),
            ("FOFA without feedback", QuickstartSteps.Prepare(() => Fofa(fofa with { UseFeedback = false }), device)),
            ("FOFA without RAA", QuickstartSteps.Prepare(() => Fofa(fofa with { UseRegionAwareAttention = false }), device)),
            ("teacher, plain no-grad pass", TeacherPass(device, prompted: false, fofa)),
            ("teacher, prompted pass + backward to prompts", TeacherPass(device, prompted: true, fofa)),
        };
        var times = cases.Select(_ => new List<double>()).ToArray();
        foreach (var (_, step) in cases) step();
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < cases.Length; i++)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                cases[i].Step();
                times[i].Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        var kdMedian = Median(times[0]);
        Console.WriteLine($"FOFA's parts at the quickstart's size (batch {QuickstartSteps.Batch}), {rounds} interleaved rounds");
        Console.WriteLine("| step | median ms | min-max ms | vs logit KD |");
        Console.WriteLine("|---|---:|---:|---:|");
        for (var i = 0; i < cases.Length; i++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {cases[i].Name} | {Median(times[i]):F1} | {times[i].Min():F1}-{times[i].Max():F1} | {Median(times[i]) / kdMedian:F2}x |"));
        }
        Console.WriteLine();
        Modules(device, rounds, fofa);
    }

    /// <summary>FOFA's own modules at the quickstart's shapes, each forward and backward on random inputs.</summary>
    private static void Modules(Device device, int rounds, FofaOptions options)
    {
        torch.manual_seed(0);
        var teacher = Quickstart.CreateTeacher();
        var student = Quickstart.CreateStudent();
        var modules = new FofaModules(teacher, student, options);
        modules.to(device);
        modules.train();
        var batch = QuickstartSteps.Batch;
        Tensor Random(Stages.StageGeometry g) => randn(g.ShapeFor(batch), device: device);
        var cases = new List<(string Name, Action Run)>();
        for (var stage = 1; stage <= FofaOptions.StageCount; stage++)
        {
            var prompt = modules.PromptFor(stage);
            if (prompt is null) continue;
            var input = Random(teacher.StageInputGeometry(stage));
            // The feedback is stored as a spatial map (aligned student minus teacher), whatever the stage's layout.
            var output = teacher.StageGeometries[stage - 1];
            prompt.RestoreFeedback(randn(batch, output.Channels, output.Height, output.Width, device: device));
            cases.Add(($"prompt before stage {stage} ({teacher.StageInputGeometry(stage)})", () =>
            {
                using var scope = NewDisposeScope();
                var x = input.detach().requires_grad_(true);
                prompt.call(x).sum().backward();
            }));
        }
        var studentStages = student.StageGeometries.Select(Random).ToArray();
        cases.Add(("RAA + aligners, 4 stages", () =>
        {
            using var scope = NewDisposeScope();
            var inputs = studentStages.Select(s => s.detach().requires_grad_(true)).ToArray();
            modules.AlignStudent(inputs).Select(a => a.sum()).Aggregate((a, b) => a + b).backward();
        }));
        foreach (var (_, run) in cases) run();
        var times = cases.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < cases.Count; i++)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                cases[i].Run();
                times[i].Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        Console.WriteLine("| FOFA module, forward + backward | median ms | min-max ms |");
        Console.WriteLine("|---|---:|---:|");
        for (var i = 0; i < cases.Count; i++)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {cases[i].Name} | {Median(times[i]):F1} | {times[i].Min():F1}-{times[i].Max():F1} |"));
        Console.WriteLine();
    }

    private static Action TeacherPass(Device device, bool prompted, FofaOptions options)
    {
        torch.manual_seed(0);
        var teacher = Quickstart.CreateTeacher();
        var student = Quickstart.CreateStudent();
        var modules = new FofaModules(teacher, student, options);
        Backbones.Freezing.Freeze(teacher);
        teacher.to(device);
        modules.to(device);
        var images = randn(QuickstartSteps.Batch, Quickstart.Spec.InputChannels, Quickstart.Spec.ImageSize, Quickstart.Spec.ImageSize, device: device);
        return () =>
        {
            using var scope = NewDisposeScope();
            if (!prompted)
            {
                using var noGrad = no_grad();
                teacher.ForwardWithStages(images);
                return;
            }
            var (logits, stages) = modules.ForwardPromptedTeacher(teacher, images);
            (logits.sum() + stages.Select(s => s.sum()).Aggregate((a, b) => a + b)).backward();
        };
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
