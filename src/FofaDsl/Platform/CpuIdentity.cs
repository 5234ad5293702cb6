namespace FofaDsl.Platform;

/// <summary>
/// Which processor this is, as <c>/proc/cpuinfo</c> names it: two machines of the same kind can differ here, and
/// a kernel's numbers can depend on it, so runs record it (<c>manifest.json</c>) and errors name it.
/// </summary>
/// <param name="Model">The model name, e.g. "AMD EPYC".</param>
/// <param name="Vendor">The vendor id, e.g. "AuthenticAMD".</param>
/// <param name="Family">The CPU family number (e.g. 25 for AMD Zen 3/4, 26 for Zen 5), or null where unknown.</param>
/// <param name="ModelNumber">The model number within the family, or null.</param>
/// <param name="VectorExtensions">The widest SIMD extensions present, e.g. "AVX2" or "AVX2, AVX-512 (avx512f, avx512_bf16)".</param>
public sealed record CpuIdentity(string Model, string Vendor, int? Family, int? ModelNumber, string VectorExtensions)
{
    /// <summary>This machine's processor (read once).</summary>
    public static CpuIdentity Current { get; } = Read("/proc/cpuinfo");

    /// <summary>One line for messages and the manifest, e.g. "AMD EPYC (AuthenticAMD family 25 model 1; AVX2)".</summary>
    public override string ToString() =>
        $"{Model} ({Vendor}{(Family is { } f ? $" family {f}" : "")}{(ModelNumber is { } m ? $" model {m}" : "")}; {VectorExtensions})";

    /// <summary>Reads the first processor's entry of a <c>/proc/cpuinfo</c>-format file; a machine without one gets what .NET knows.</summary>
    internal static CpuIdentity Read(string path)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.Length == 0 && fields.Count > 0) break;
                var colon = line.IndexOf(':');
                if (colon > 0) fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        var flags = fields.GetValueOrDefault("flags", "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        return new CpuIdentity(
            fields.GetValueOrDefault("model name", System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString()),
            fields.GetValueOrDefault("vendor_id", "unknown vendor"),
            int.TryParse(fields.GetValueOrDefault("cpu family"), out var family) ? family : null,
            int.TryParse(fields.GetValueOrDefault("model"), out var model) ? model : null,
            VectorSummary(flags));
    }

    private static string VectorSummary(IReadOnlySet<string> flags)
    {
        var avx512 = flags.Where(f => f.StartsWith("avx512", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var widest = flags.Contains("avx2") ? "AVX2" : flags.Contains("avx") ? "AVX" : flags.Contains("sse4_2") ? "SSE4.2" : flags.Count > 0 ? "no AVX" : "flags unknown";
        return avx512.Count > 0 ? $"{widest}, AVX-512 ({string.Join(", ", avx512)})" : widest;
    }
}
