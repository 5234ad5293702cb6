using System.Globalization;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace FofaDsl.MpiCheck;

/// <summary>
/// <c>compare-runs A B TOLERANCE RUN...</c>: the largest absolute difference between two run folders' per-step losses
/// (every column of <c>steps-&lt;run&gt;.csv</c> but the learning rate and images/s) and weights
/// (<c>student-&lt;run&gt;.safetensors</c>; <c>teacher.safetensors</c> when both have one). Exit 0 when within tolerance.
/// </summary>
internal static class RunComparison
{
    public static int Compare(string first, string second, double tolerance, IReadOnlyList<string> runs)
    {
        var worst = 0.0;
        foreach (var run in runs)
        {
            var losses = LossDifference(Path.Combine(first, $"steps-{run}.csv"), Path.Combine(second, $"steps-{run}.csv"), out var steps);
            var weights = WeightDifference(Path.Combine(first, $"student-{run}.safetensors"), Path.Combine(second, $"student-{run}.safetensors"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{run}: {steps} steps, max |loss diff| {losses:E2}, max |weight diff| {weights:E2}"));
            worst = Math.Max(worst, Math.Max(losses, weights));
        }
        var teachers = (Path.Combine(first, "teacher.safetensors"), Path.Combine(second, "teacher.safetensors"));
        if (File.Exists(teachers.Item1) && File.Exists(teachers.Item2))
        {
            var teacher = WeightDifference(teachers.Item1, teachers.Item2);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"teacher: max |weight diff| {teacher:E2}"));
            worst = Math.Max(worst, teacher);
        }
        var ok = worst <= tolerance;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(ok ? "equal" : "DIFFERENT")}: max |diff| {worst:E2} (tolerance {tolerance:E0})"));
        return ok ? 0 : 1;
    }

    private static double LossDifference(string first, string second, out int steps)
    {
        var a = Rows(first);
        var b = Rows(second);
        if (a.Count != b.Count) throw new InvalidDataException($"{first} has {a.Count} steps, {second} {b.Count}.");
        steps = a.Count;
        var worst = 0.0;
        for (var i = 0; i < a.Count; i++)
            for (var c = 0; c < a[i].Length; c++)
                worst = Math.Max(worst, Math.Abs(a[i][c] - b[i][c]));
        return worst;
    }

    /// <summary>The loss columns of each row: after step, epoch and learning rate, before images/s.</summary>
    private static List<double[]> Rows(string path) =>
        File.ReadLines(path).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(',')[3..^1].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToList();

    private static double WeightDifference(string first, string second)
    {
        var a = Safetensors.LoadStateDict(first);
        var b = Safetensors.LoadStateDict(second);
        if (!a.Keys.Order().SequenceEqual(b.Keys.Order())) throw new InvalidDataException($"{first} and {second} hold different tensors.");
        var worst = 0.0;
        foreach (var (name, tensor) in a)
        {
            if (!tensor.is_floating_point()) continue;
            worst = Math.Max(worst, (tensor.to_type(ScalarType.Float64) - b[name].to_type(ScalarType.Float64)).abs().max().item<double>());
        }
        return worst;
    }
}
