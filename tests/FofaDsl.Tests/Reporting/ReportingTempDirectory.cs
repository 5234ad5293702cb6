namespace FofaDsl.Tests.Reporting;

/// <summary>A fresh directory per test class instance, deleted afterwards.</summary>
internal sealed class ReportingTempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("fofa-report-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
