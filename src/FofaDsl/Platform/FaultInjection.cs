using System.Diagnostics;
using System.Globalization;

namespace FofaDsl.Platform;

/// <summary>
/// Deliberate crashes for the fault-injection suite (<c>eng/faults/run.sh</c>): with <c>FOFA_FAULT_KILL=&lt;point&gt;:&lt;n&gt;</c>
/// the process kills itself with SIGKILL, as the OOM killer or a power cut would, the n-th time it reaches
/// <c>&lt;point&gt;</c>. A kill from outside cannot hit a phase that lasts microseconds (between a checkpoint's rename and
/// the folder's flush); this can. Unset, a point costs one comparison.
/// </summary>
internal static class FaultInjection
{
    /// <summary>The environment variable that arms one point.</summary>
    public const string Variable = "FOFA_FAULT_KILL";

    private static readonly (string Point, int Count)? Armed = Parse(Environment.GetEnvironmentVariable(Variable));
    private static int reached;

    /// <summary>
    /// Marks a point: <c>&lt;file&gt;:before-rename</c> and <c>&lt;file&gt;:after-rename</c> in every atomic write,
    /// <c>step</c> after each optimizer step.
    /// </summary>
    public static void Point(string name)
    {
        if (Armed is not { } armed || !string.Equals(armed.Point, name, StringComparison.Ordinal)) return;
        if (Interlocked.Increment(ref reached) != armed.Count) return;
        Console.Out.Flush();
        Console.Error.WriteLine($"{Variable}: killing this process at {name} ({armed.Count})");
        Process.GetCurrentProcess().Kill();
    }

    private static (string, int)? Parse(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        var separator = value.LastIndexOf(':');
        if (separator > 0 && int.TryParse(value[(separator + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0)
            return (value[..separator], count);
        return (value, 1);
    }
}
