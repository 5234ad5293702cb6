using System.Globalization;
using System.Text;

namespace FofaDsl.Hosting;

/// <summary>The comparison table a run prints and appends to <c>results.csv</c> row by row.</summary>
public sealed class ResultsTable(string csvPath)
{
    private readonly List<(string Model, string Method, int Seed, double Top1, TimeSpan Wall)> rows = [];

    /// <summary>Adds a row and appends it to the CSV at once, so a later failure loses nothing already measured.</summary>
    /// <param name="model">The model's description, e.g. <c>student ResNet18</c>.</param>
    /// <param name="method">The method's display name.</param>
    /// <param name="seed">The seed the row was trained with (one row per seed under <c>compare --seeds</c>).</param>
    /// <param name="top1">Held-out top-1, a fraction.</param>
    /// <param name="wall">Wall time of the run.</param>
    public void Add(string model, string method, int seed, double top1, TimeSpan wall)
    {
        rows.Add((model, method, seed, top1, wall));
        var newFile = !File.Exists(csvPath);
        using var writer = new StreamWriter(csvPath, append: true);
        if (newFile) writer.WriteLine("model,method,seed,top1,wall_seconds");
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Quote(model)},{Quote(method)},{seed},{top1:F4},{wall.TotalSeconds:F1}"));
    }

    private static string Quote(string field) => "\"" + field.Replace("\"", "\"\"") + "\"";

    /// <summary>The table as aligned Markdown.</summary>
    public override string ToString()
    {
        var modelWidth = Math.Max("model".Length, rows.Count == 0 ? 0 : rows.Max(r => r.Model.Length));
        var methodWidth = Math.Max("method".Length, rows.Count == 0 ? 0 : rows.Max(r => r.Method.Length));
        var text = new StringBuilder();
        // The seed column appears once rows of several seeds are in the table.
        var seeds = rows.Select(r => r.Seed).Distinct().Count() > 1;
        text.AppendLine($"| {"model".PadRight(modelWidth)} | {"method".PadRight(methodWidth)} |{(seeds ? " seed |" : "")}   top-1 | wall time |");
        text.AppendLine($"|{new string('-', modelWidth + 2)}|{new string('-', methodWidth + 2)}|{(seeds ? "-----:|" : "")}--------:|----------:|");
        foreach (var (model, method, seed, top1, wall) in rows)
            text.AppendLine(CultureInfo.InvariantCulture, $"| {model.PadRight(modelWidth)} | {method.PadRight(methodWidth)} |{(seeds ? $" {seed,4} |" : "")} {top1 * 100,6:F2}% | {wall.TotalSeconds,8:F1}s |");
        return text.ToString();
    }
}
