using System.Globalization;
using System.Text;

namespace FofaDsl.Reporting;

/// <summary>
/// Appends training metrics to a CSV file, one row per event, with the columns
/// <c>method,epoch,step,&lt;terms...&gt;,top1,elapsed_seconds</c> fixed at construction.
/// </summary>
/// <remarks>
/// Every row is flushed to the operating system as it is written, so a crashed run keeps every
/// row it wrote. An existing file with the same header is appended to (a resumed run); one with
/// another header is refused rather than mixed. Numbers use the invariant culture with
/// round-trip precision; fields holding a comma, quote or line break are quoted (RFC 4180).
/// </remarks>
public sealed class MetricsCsvWriter : IDisposable
{
    private static readonly string[] LeadingColumns = ["method", "epoch", "step"];
    private static readonly string[] TrailingColumns = ["top1", "elapsed_seconds"];

    private readonly string[] termNames;
    private readonly StreamWriter writer;

    /// <summary>Opens (or creates) <paramref name="path"/> for rows carrying the given loss terms.</summary>
    /// <param name="path">The CSV file; its directory is created when missing.</param>
    /// <param name="termNames">The loss term columns, in order; names must be distinct and not a fixed column name.</param>
    /// <exception cref="ArgumentException">A term name is empty, repeated or a fixed column name.</exception>
    /// <exception cref="InvalidDataException">The file exists with a different header.</exception>
    public MetricsCsvWriter(string path, IEnumerable<string> termNames)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(termNames);
        this.termNames = [.. termNames];
        ValidateTermNames(this.termNames);

        Path = System.IO.Path.GetFullPath(path);
        Columns = [.. LeadingColumns, .. this.termNames, .. TrailingColumns];
        string header = FormatLine(Columns);

        string? directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);

        bool hasHeader = ReadExistingHeader(Path, header);
        var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true, NewLine = "\n" };
        if (!hasHeader)
            writer.WriteLine(header);
    }

    /// <summary>The full path of the CSV file.</summary>
    public string Path { get; }

    /// <summary>The column names, in file order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Writes one row and flushes it.</summary>
    /// <exception cref="ArgumentException">The row names a term that has no column.</exception>
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    public void Append(MetricsRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        foreach (string name in row.Terms.Keys)
        {
            if (Array.IndexOf(termNames, name) < 0)
                throw new ArgumentException($"The row has the loss term '{name}', which has no column; the columns are fixed when the writer is made: {string.Join(", ", termNames)}.", nameof(row));
        }

        var fields = new List<string>(Columns.Count)
        {
            row.Method,
            row.Epoch.ToString(CultureInfo.InvariantCulture),
            row.Step.ToString(CultureInfo.InvariantCulture),
        };
        foreach (string name in termNames)
            fields.Add(row.Terms.TryGetValue(name, out double value) ? FormatNumber(value) : "");
        fields.Add(row.Top1 is double top1 ? FormatNumber(top1) : "");
        fields.Add(FormatNumber(row.ElapsedSeconds));
        writer.WriteLine(FormatLine(fields));
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => writer.Dispose();

    /// <summary>Quotes <paramref name="field"/> when it holds a comma, a quote, a line break or edge spaces.</summary>
    internal static string Escape(string field)
    {
        bool needsQuotes = field.AsSpan().IndexOfAny(",\"\r\n") >= 0
            || (field.Length > 0 && (char.IsWhiteSpace(field[0]) || char.IsWhiteSpace(field[^1])));
        return needsQuotes ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
    }

    private static string FormatLine(IEnumerable<string> fields) => string.Join(',', fields.Select(Escape));

    // "R" keeps every bit of a double; the invariant culture keeps '.' whatever the machine's locale.
    private static string FormatNumber(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static void ValidateTermNames(string[] names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in names)
        {
            if (string.IsNullOrWhiteSpace(name))
                throw new ArgumentException("A loss term name is empty.", nameof(termNames));
            if (LeadingColumns.Contains(name) || TrailingColumns.Contains(name))
                throw new ArgumentException($"The loss term '{name}' has the name of a fixed column; rename the term.", nameof(termNames));
            if (!seen.Add(name))
                throw new ArgumentException($"The loss term '{name}' is named twice.", nameof(termNames));
        }
    }

    // True when the file already starts with this header; false when it is missing or empty.
    private static bool ReadExistingHeader(string path, string header)
    {
        if (!File.Exists(path) || new FileInfo(path).Length == 0)
            return false;
        using var reader = new StreamReader(path, Encoding.UTF8);
        string? existing = reader.ReadLine();
        if (existing != header)
        {
            throw new InvalidDataException(
                $"{path} already holds metrics with the header '{existing}', not '{header}'. Write to another file or move the old one away.");
        }
        return true;
    }
}
