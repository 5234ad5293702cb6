using System.Globalization;

namespace FofaDsl.GpuBench;

/// <summary>
/// <c>probe --device D</c>, <c>step --device D --pair quickstart|paper --kind supervised|kd|fitnet|fofa
/// [--warmup N] [--steps N] [--batch N] [--tf32 on|default] [--recompute-teacher on|off]</c> or <c>export-fofa --pair P --batch N --out DIR
/// [--dtype float64|float32]</c>: the options are few and fixed, so no parser library.
/// </summary>
/// <param name="Command"><c>probe</c>, <c>step</c> or <c>export-fofa</c>.</param>
/// <param name="Device"><c>auto</c>, <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</param>
/// <param name="Pair">The pair's name.</param>
/// <param name="Kind">The step kind.</param>
/// <param name="Warmup">Untimed steps first (libtorch picks kernels and fills its allocator's cache on the first ones).</param>
/// <param name="Steps">Timed steps.</param>
/// <param name="Batch">Images per step; 0 keeps the pair's batch size.</param>
/// <param name="Tf32">
/// <c>on</c> (default, as in the generated programs): TF32 matrix products and convolutions on CUDA;
/// <c>default</c>: libtorch's own settings, untouched.
/// </param>
/// <param name="Threads">libtorch's CPU threads; 0 keeps its default.</param>
/// <param name="Out">export-fofa: the folder the step's tensors and results are written to.</param>
/// <param name="Dtype">export-fofa: <c>float64</c> (default, for a tight comparison) or <c>float32</c>.</param>
/// <param name="RecomputeTeacher">step --kind fofa: <c>on</c> (default, the generated run) recomputes the prompted teacher's
/// stages in the backward pass, <c>off</c> keeps their activations.</param>
internal sealed record BenchArguments(string Command, string Device, string Pair, string Kind, int Warmup, int Steps, int Batch, bool Tf32,
    int Threads = 0, string? Out = null, string Dtype = "float64", bool RecomputeTeacher = true)
{
    /// <summary>Reads the arguments; an unknown option or a bad number is an error that names it.</summary>
    public static BenchArguments Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0) throw new ArgumentException("Usage: probe --device D [--tf32 on|default] | step --device D --pair P --kind K [--warmup N] [--steps N] [--batch N] [--tf32 on|default] [--threads N] [--recompute-teacher on|off] | export-fofa --pair P --batch N --out DIR [--dtype float64|float32] [--threads N]");
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
                throw new ArgumentException($"Expected '--option value' at '{args[i]}'.");
            options[args[i][2..]] = args[i + 1];
        }
        var known = new[] { "device", "pair", "kind", "warmup", "steps", "batch", "tf32", "threads", "out", "dtype", "recompute-teacher" };
        foreach (var name in options.Keys.Where(k => !known.Contains(k)))
            throw new ArgumentException($"Unknown option --{name}.");
        return new BenchArguments(
            args[0],
            options.GetValueOrDefault("device", "auto"),
            options.GetValueOrDefault("pair", "quickstart"),
            options.GetValueOrDefault("kind", "supervised"),
            Count(options, "warmup", 5, minimum: 0),
            Count(options, "steps", 20, minimum: 1),
            Count(options, "batch", 0, minimum: 0),
            options.GetValueOrDefault("tf32", "on") switch
            {
                "on" => true,
                "default" => false,
                var other => throw new ArgumentException($"--tf32 {other}: use on or default."),
            },
            Count(options, "threads", 0, minimum: 0),
            options.GetValueOrDefault("out"),
            options.GetValueOrDefault("dtype", "float64"),
            options.GetValueOrDefault("recompute-teacher", "on") switch
            {
                "on" => true,
                "off" => false,
                var other => throw new ArgumentException($"--recompute-teacher {other}: use on or off."),
            });
    }

    private static int Count(Dictionary<string, string> options, string name, int fallback, int minimum)
    {
        if (!options.TryGetValue(name, out var text)) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < minimum)
            throw new ArgumentException($"--{name} {text}: expected a whole number of at least {minimum}.");
        return value;
    }
}
