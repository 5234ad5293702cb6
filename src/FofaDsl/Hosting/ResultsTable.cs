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
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{model},{method},{top1:F4},{wall.TotalSeconds:F1}"));
    }

    /// <summary>The table as aligned text.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| {"model",-28} | {"method",-10} | {"top-1",7} | {"wall time",9} |");
        text.AppendLine($"|{new string('-', 30)}|{new string('-', 12)}|{new string('-', 9)}:|{new string('-', 10)}:|");
        foreach (var (model, method, top1, wall) in rows)
            text.AppendLine(CultureInfo.InvariantCulture, $"| {model,-28} | {method,-10} | {top1 * 100,6:F2}% | {wall.TotalSeconds,8:F1}s |");
        return text.ToString();
    }
}
