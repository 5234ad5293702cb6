using System.Globalization;
using System.Text;

namespace FofaDsl.Reporting;

/// <summary>
/// Held-out accuracy of several runs over several seeds: each run's mean and sample standard deviation, and its
/// difference from a reference run (scratch) with a 95 % confidence interval. The difference is paired by seed (a seed
/// fixes the student's initialisation and the data order for every run), so the interval is
/// <c>mean(d) ± t(0.975, n-1) · sd(d) / sqrt(n)</c> over the per-seed differences <c>d</c>, which is narrower than
/// comparing two unpaired means when the seed moves both runs alike.
/// </summary>
public sealed class SeedComparison
{
    private readonly List<(string Run, int Seed, double Top1)> results = [];

    /// <summary>A comparison whose differences are taken against run <paramref name="reference"/> (null: no differences).</summary>
    public SeedComparison(string? reference) => Reference = reference;

    /// <summary>The run the others are compared with (e.g. <c>scratch</c>), or null.</summary>
    public string? Reference { get; }

    /// <summary>Records run <paramref name="run"/>'s held-out top-1 (a fraction) under <paramref name="seed"/>; a repeated pair replaces the earlier value.</summary>
    public void Add(string run, int seed, double top1)
    {
        results.RemoveAll(r => r.Run == run && r.Seed == seed);
        results.Add((run, seed, top1));
    }

    /// <summary>One line per run, in the order runs were first added.</summary>
    public IReadOnlyList<SeedSummary> Summaries()
    {
        var reference = Reference is null ? null : results.Where(r => r.Run == Reference).ToDictionary(r => r.Seed, r => r.Top1);
        return results.Select(r => r.Run).Distinct().Select(run =>
        {
            var mine = results.Where(r => r.Run == run).OrderBy(r => r.Seed).ToList();
            var values = mine.Select(r => r.Top1).ToList();
            SeedDifference? difference = null;
            if (reference is not null && run != Reference)
            {
                var paired = mine.Where(r => reference.ContainsKey(r.Seed)).Select(r => r.Top1 - reference[r.Seed]).ToList();
                if (paired.Count > 0) difference = SeedDifference.Of(paired);
            }
            return new SeedSummary(run, mine.Select(r => r.Seed).ToList(), values, Mean(values), StandardDeviation(values), difference);
        }).ToList();
    }

    /// <summary>The summary as an aligned Markdown table, accuracies in percent.</summary>
    public override string ToString()
    {
        var summaries = Summaries();
        var seeds = summaries.SelectMany(s => s.Seeds).Distinct().Order().ToList();
        var header = new List<string> { "run" };
        header.AddRange(seeds.Select(s => string.Create(CultureInfo.InvariantCulture, $"seed {s}")));
        header.Add("mean ± sd");
        if (Reference is not null) header.Add($"Δ vs {Reference} [95 % CI]");
        var rows = summaries.Select(s =>
        {
            var row = new List<string> { s.Run };
            row.AddRange(seeds.Select(seed => s.Seeds.ToList().IndexOf(seed) is var at and >= 0 ? Percent(s.Top1[at]) : "-"));
            row.Add(s.Count > 1 ? $"{Percent(s.Mean)} ± {Percent(s.StandardDeviation)}" : Percent(s.Mean));
            if (Reference is not null) row.Add(s.Difference?.ToString() ?? (s.Run == Reference ? "" : "no paired seed"));
            return row;
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToList();
        var text = new StringBuilder();
        text.AppendLine("| " + string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))) + " |");
        text.AppendLine("|" + string.Join("|", widths.Select((w, i) => i == 0 ? new string('-', w + 2) : new string('-', w + 1) + ":")) + "|");
        foreach (var row in rows)
            text.AppendLine("| " + string.Join(" | ", row.Select((cell, i) => i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))) + " |");
        return text.ToString();
    }

    /// <summary>Writes the summary as CSV (accuracies as fractions; empty cells where a value does not apply), replacing <paramref name="path"/>.</summary>
    public void WriteCsv(string path)
    {
        var text = new StringBuilder("run,seeds,mean_top1,sd_top1,delta_vs_reference,ci95_low,ci95_high\n");
        foreach (var s in Summaries())
        {
            var d = s.Difference;
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"\"{s.Run.Replace("\"", "\"\"")}\",{string.Join(' ', s.Seeds)},{s.Mean:F6},{(s.Count > 1 ? s.StandardDeviation.ToString("F6", CultureInfo.InvariantCulture) : "")}," +
                $"{d?.Mean.ToString("F6", CultureInfo.InvariantCulture)},{d?.Low?.ToString("F6", CultureInfo.InvariantCulture)},{d?.High?.ToString("F6", CultureInfo.InvariantCulture)}"));
        }
        Platform.AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(text.ToString()));
    }

    internal static double Mean(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Average();

    /// <summary>Sample standard deviation (n - 1); 0 for a single value.</summary>
    internal static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    internal static string Percent(double fraction) => (fraction * 100).ToString("F2", CultureInfo.InvariantCulture);
}

/// <summary>One run over its seeds.</summary>
/// <param name="Run">The run's name.</param>
/// <param name="Seeds">Its seeds, ascending.</param>
/// <param name="Top1">Held-out top-1 per seed (fractions), in the order of <paramref name="Seeds"/>.</param>
/// <param name="Mean">Mean top-1.</param>
/// <param name="StandardDeviation">Sample standard deviation of top-1 (0 for one seed).</param>
/// <param name="Difference">Paired difference from the reference run, or null (the reference itself, or none).</param>
public sealed record SeedSummary(string Run, IReadOnlyList<int> Seeds, IReadOnlyList<double> Top1, double Mean, double StandardDeviation, SeedDifference? Difference)
{
    /// <summary>The number of seeds.</summary>
    public int Count => Seeds.Count;
}

/// <summary>A paired difference in top-1 from the reference run over <paramref name="Count"/> seeds, with its 95 % interval (null for one seed).</summary>
/// <param name="Mean">Mean difference (fraction; positive: better than the reference).</param>
/// <param name="Low">Lower end of the 95 % confidence interval, or null with one seed.</param>
/// <param name="High">Upper end of the 95 % confidence interval, or null with one seed.</param>
/// <param name="Count">Seeds paired.</param>
public sealed record SeedDifference(double Mean, double? Low, double? High, int Count)
{
    /// <summary>The mean and interval of <paramref name="differences"/> (Student's t with n - 1 degrees of freedom).</summary>
    public static SeedDifference Of(IReadOnlyList<double> differences)
    {
        var mean = SeedComparison.Mean(differences);
        if (differences.Count < 2) return new SeedDifference(mean, null, null, differences.Count);
        var halfWidth = StudentT.Quantile975(differences.Count - 1) * SeedComparison.StandardDeviation(differences) / Math.Sqrt(differences.Count);
        return new SeedDifference(mean, mean - halfWidth, mean + halfWidth, differences.Count);
    }

    /// <summary>E.g. <c>+0.95 [-0.20, +2.10]</c> (percentage points), or <c>+0.95 (1 seed)</c>.</summary>
    public override string ToString() => Low is { } low && High is { } high
        ? $"{Signed(Mean)} [{Signed(low)}, {Signed(high)}]"
        : $"{Signed(Mean)} ({Count} seed)";

    private static string Signed(double fraction) => (fraction * 100).ToString("+0.00;-0.00;+0.00", CultureInfo.InvariantCulture);
}
