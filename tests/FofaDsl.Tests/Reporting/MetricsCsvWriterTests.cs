using FofaDsl.Reporting;

namespace FofaDsl.Tests.Reporting;

public sealed class MetricsCsvWriterTests : IDisposable
{
    private readonly ReportingTempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static Dictionary<string, double> Terms(params (string Name, double Value)[] terms) =>
        terms.ToDictionary(t => t.Name, t => t.Value);

    [Fact]
    public void Header_lists_fixed_columns_around_the_term_columns()
    {
        string path = temp.File("metrics.csv");
        using (var writer = new MetricsCsvWriter(path, ["ce", "kd", "feature"]))
            Assert.Equal(["method", "epoch", "step", "ce", "kd", "feature", "top1", "elapsed_seconds"], writer.Columns);

        Assert.Equal(["method,epoch,step,ce,kd,feature,top1,elapsed_seconds"], File.ReadAllLines(path));
    }

    [Fact]
    public void Rows_use_invariant_numbers_and_leave_missing_values_empty()
    {
        string path = temp.File("metrics.csv");
        using var writer = new MetricsCsvWriter(path, ["ce", "kd"]);
        writer.Append(new MetricsRow("fofa", 1, 390, Terms(("ce", 1.5), ("kd", 0.25)), 0.625, 12.5));
        writer.Append(new MetricsRow("fofa", 2, 400, Terms(("kd", 0.1)), null, 13));

        // Read while the writer is still open: each row must already be on disk.
        string[] lines = ReadShared(path);
        Assert.Equal("fofa,1,390,1.5,0.25,0.625,12.5", lines[1]);
        Assert.Equal("fofa,2,400,,0.1,,13", lines[2]);
    }

    [Fact]
    public void Numbers_ignore_the_current_culture()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            // InvariantGlobalization makes every culture invariant here; this guards a build without it.
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
            string path = temp.File("metrics.csv");
            using var writer = new MetricsCsvWriter(path, ["ce"]);
            writer.Append(new MetricsRow("kd", 0, 0, Terms(("ce", 0.1)), 1.0 / 3.0, 0));
            string[] fields = ReadShared(path)[1].Split(',');
            Assert.Equal(0.1, double.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(1.0 / 3.0, double.Parse(fields[4], System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData(" padded", "\" padded\"")]
    public void Fields_that_need_it_are_quoted(string field, string expected) =>
        Assert.Equal(expected, MetricsCsvWriter.Escape(field));

    [Fact]
    public void Method_with_a_comma_stays_one_field()
    {
        string path = temp.File("metrics.csv");
        using var writer = new MetricsCsvWriter(path, []);
        writer.Append(new MetricsRow("fofa,raa-only", 3, 7, Terms(), 0.5, 1));
        Assert.Equal("\"fofa,raa-only\",3,7,0.5,1", ReadShared(path)[1]);
    }

    [Fact]
    public void Reopening_with_the_same_columns_appends_without_a_second_header()
    {
        string path = temp.File("metrics.csv");
        using (var writer = new MetricsCsvWriter(path, ["ce"]))
            writer.Append(new MetricsRow("kd", 1, 10, Terms(("ce", 2)), 0.1, 1));
        using (var writer = new MetricsCsvWriter(path, ["ce"]))
            writer.Append(new MetricsRow("kd", 2, 20, Terms(("ce", 1)), 0.2, 2));

        string[] lines = File.ReadAllLines(path);
        Assert.Equal(3, lines.Length);
        Assert.Equal(1, lines.Count(line => line.StartsWith("method,", StringComparison.Ordinal)));
        Assert.StartsWith("kd,2,20,", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Reopening_with_other_columns_is_refused()
    {
        string path = temp.File("metrics.csv");
        using (new MetricsCsvWriter(path, ["ce"]))
        {
        }
        Assert.Throws<InvalidDataException>(() => new MetricsCsvWriter(path, ["ce", "kd"]));
    }

    [Fact]
    public void A_term_without_a_column_is_refused()
    {
        using var writer = new MetricsCsvWriter(temp.File("metrics.csv"), ["ce"]);
        var error = Assert.Throws<ArgumentException>(() => writer.Append(new MetricsRow("kd", 1, 1, Terms(("kd", 1)), null, 0)));
        Assert.Contains("'kd'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("top1")]
    [InlineData("step")]
    [InlineData("")]
    public void Term_names_that_clash_or_are_empty_are_refused(string name) =>
        Assert.Throws<ArgumentException>(() => new MetricsCsvWriter(temp.File("metrics.csv"), [name]));

    [Fact]
    public void Repeated_term_names_are_refused() =>
        Assert.Throws<ArgumentException>(() => new MetricsCsvWriter(temp.File("metrics.csv"), ["ce", "ce"]));

    private static string[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
