using System.Globalization;
using System.Text;
using FofaDsl.Training;

namespace FofaDsl.Reporting;

/// <summary>
/// Writes one row per optimizer step to a CSV file (<c>steps-&lt;method&gt;.csv</c>): <c>step,epoch,learning_rate,total,</c>
/// each loss term, <c>images_per_second</c>. Rows are flushed as they are written, so a killed run keeps
/// them. A fresh run replaces the file; a resumed run first drops the rows after its checkpoint's step
/// (written after the checkpoint, then lost with the process) and appends from there, so no step repeats.
/// </summary>
public sealed class StepMetricsWriter(string path) : ITrainingProgress, IDisposable
{
    private const string LeadingColumns = "step,epoch,learning_rate,total";
    private const string TrailingColumn = "images_per_second";

    private StreamWriter? writer;
    private string? existingHeader;
    private IReadOnlyList<string>? terms;

    /// <summary>The CSV file.</summary>
    public string Path { get; } = path;

    /// <inheritdoc />
    public void RunStarted(TrainingRunStart run)
    {
        writer?.Dispose();
        writer = null;
        terms = null;
        existingHeader = null;
        if (!File.Exists(Path)) return;
        if (run.CompletedSteps == 0)
        {
            File.Delete(Path);
            return;
        }

        var lines = File.ReadAllLines(Path);
        if (lines.Length == 0) return;
        existingHeader = lines[0];
        var kept = lines.Skip(1).Where(line => StepOf(line) <= run.CompletedSteps).Prepend(lines[0]).ToList();
        Platform.AtomicFile.WriteWith(Path, temporary => File.WriteAllLines(temporary, kept));
    }

    /// <inheritdoc />
    public void StepCompleted(TrainingStepReport step)
    {
        if (writer is null) Open(step.Terms.Keys.ToList());
        var fields = new List<string>
        {
            step.Step.ToString(CultureInfo.InvariantCulture),
            step.Epoch.ToString(CultureInfo.InvariantCulture),
            step.LearningRate.ToString("R", CultureInfo.InvariantCulture),
            step.Total.ToString(CultureInfo.InvariantCulture),
        };
        fields.AddRange(terms!.Select(term => step.Terms.TryGetValue(term, out var value) ? value.ToString(CultureInfo.InvariantCulture) : ""));
        fields.Add(step.ImagesPerSecond.ToString("F1", CultureInfo.InvariantCulture));
        writer!.WriteLine(string.Join(',', fields));
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => writer?.Dispose();

    private void Open(IReadOnlyList<string> stepTerms)
    {
        terms = stepTerms;
        var header = string.Join(',', new[] { LeadingColumns }.Concat(terms.Select(MetricsCsvWriter.Escape)).Append(TrailingColumn));
        if (existingHeader is not null && existingHeader != header)
            throw new InvalidDataException($"{Path} holds steps with the columns '{existingHeader}', not '{header}'. Resume the run that wrote it, or move the file away.");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        writer = new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        if (existingHeader is null) writer.WriteLine(header);
    }

    private static long StepOf(string line)
    {
        var comma = line.IndexOf(',');
        return long.TryParse(comma < 0 ? line : line[..comma], NumberStyles.Integer, CultureInfo.InvariantCulture, out var step) ? step : long.MaxValue;
    }
}
