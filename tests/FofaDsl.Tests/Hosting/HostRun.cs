using FofaDsl.Hosting;

namespace FofaDsl.Tests.Hosting;

/// <summary>Runs a generated program's command line in-process and keeps what it printed.</summary>
internal static class HostRun
{
    public static async Task<(int ExitCode, string Output, string Error)> Run(ExperimentDefinition definition, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await ExperimentHost.RunAsync(definition, args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Runs the program and asserts that it succeeded, showing its error output (and what it printed) when it did not;
    /// returns what it printed.
    /// </summary>
    public static async Task<string> Succeeds(ExperimentDefinition definition, params string[] args)
    {
        var (code, output, error) = await Run(definition, args);
        Assert.True(code == 0, $"'{string.Join(" ", args)}' exited {code}. Error output:\n{error}\nOutput:\n{output}");
        return output;
    }

    /// <summary>The first <c>top-1 NN.NN%</c> on a line starting with <paramref name="prefix"/>.</summary>
    public static string Top1(string text, string prefix)
    {
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(line is not null, $"no line starting with '{prefix}' in:\n{text}");
        var match = System.Text.RegularExpressions.Regex.Match(line, @"top-1 (\d+\.\d\d)%");
        Assert.True(match.Success, line);
        return match.Groups[1].Value;
    }
}
