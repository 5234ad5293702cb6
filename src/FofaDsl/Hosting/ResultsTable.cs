using System.Globalization;
using System.Text;

namespace FofaDsl.Hosting;

/// <summary>The comparison table a run prints and appends to <c>results.csv</c> row by row.</summary>
public sealed class ResultsTable(string csvPath)
{
    private readonly List<(string Model, string Method, double Top1, TimeSpan Wall)> rows = [];

    /// <summary>Adds a row and appends it to the CSV at once, so a later failure loses nothing already measured.</summary>
    public void Add(string model, string method, double top1, TimeSpan wall)
    {
        rows.Add((model, method, top1, wall));
        var newFile = !File.Exists(csvPath);
        using var writer = new StreamWriter(csvPath, append: true);
        if (newFile) writer.WriteLine("model,method,top1,wall_seconds");
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Quote(model)},{Quote(method)},{top1:F4},{wall.TotalSeconds:F1}"));
    }

    private static string Quote(string field) => "\"" + field.Replace("\"", "\"\"") + "\"";

    /// <summary>The table as aligned Markdown.</summary>
    public override string ToString()
    {
        var modelWidth = Math.Max("model".Length, rows.Count == 0 ? 0 : rows.Max(r => r.Model.Length));
        var methodWidth = Math.Max("method".Length, rows.Count == 0 ? 0 : rows.Max(r => r.Method.Length));
        var text = new StringBuilder();
        text.AppendLine($"| {"model".PadRight(modelWidth)} | {"method".PadRight(methodWidth)} |   top-1 | wall time |");
        text.AppendLine($"|{new string('-', modelWidth + 2)}|{new string('-', methodWidth + 2)}|--------:|----------:|");
        foreach (var (model, method, top1, wall) in rows)
            text.AppendLine(CultureInfo.InvariantCulture, $"| {model.PadRight(modelWidth)} | {method.PadRight(methodWidth)} | {top1 * 100,6:F2}% | {wall.TotalSeconds,8:F1}s |");
        return text.ToString();
    }
}
