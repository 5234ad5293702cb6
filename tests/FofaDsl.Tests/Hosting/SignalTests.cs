using System.Diagnostics;
using System.Text;
using FofaDsl.Hosting;

namespace FofaDsl.Tests.Hosting;

/// <summary>
/// A real process (the quickstart program the solution builds) gets a real signal: the first Ctrl-C or SIGTERM lets the
/// current step finish, writes a checkpoint, says where it stopped and how to resume, and exits 130 or 143.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class SignalTests : IDisposable
{
    private readonly string output = Path.Combine(Path.GetTempPath(), "fofa-signal-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
    }

    [Theory]
    [InlineData("INT", ExperimentHost.Interrupted, "Ctrl-C")]
    [InlineData("TERM", 143, "SIGTERM")]
    public void The_first_signal_finishes_the_step_writes_a_checkpoint_and_says_how_to_resume(string signal, int exitCode, string announced)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { QuickstartProgram(), "train", "--out", output, "--methods", "scratch", "--epochs", "20", "--train-limit", "2000", "--skip-self-check", "--threads", "1" })
            start.ArgumentList.Add(argument);
        var (printed, errors) = (new StringBuilder(), new StringBuilder());
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (printed) printed.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (errors) errors.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // Training is under way once two steps are in the (flushed) step log.
            var steps = Path.Combine(output, "steps-scratch.csv");
            var clock = Stopwatch.StartNew();
            while (!(File.Exists(steps) && ReadShared(steps).Count(line => line.Length > 0) >= 3))
            {
                Assert.False(process.HasExited, $"the program ended before training: {errors}\n{printed}");
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "no training step within 3 minutes");
                Thread.Sleep(100);
            }
            using (var kill = Process.Start("kill", $"-{signal} {process.Id}")) kill.WaitForExit();

            Assert.True(process.WaitForExit(120_000), "the program did not stop within 2 minutes of the signal");
            process.WaitForExit(); // drains the redirected output
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }

        var error = errors.ToString();
        Assert.Equal(exitCode, process.ExitCode);
        Assert.Contains($"{announced}: finishing the current step and writing a checkpoint", error);
        Assert.Matches(@"interrupted: scratch \(Scratch\) stopped after step \d+ \(epoch \d+\); .*last\.ckpt holds the run up to there\.", error);
        Assert.Contains($"Continue with: resume --out {output}", error);
        Assert.True(File.Exists(Path.Combine(output, "checkpoints", "scratch", "last.ckpt")));
    }

    private static string[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n');
    }

    /// <summary>The quickstart program the solution builds beside this test project, in the same configuration.</summary>
    private static string QuickstartProgram()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FofaDsl.sln"))) directory = directory.Parent;
        Assert.NotNull(directory);
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<configuration>/net10.0
        var program = Path.Combine(directory.FullName, "examples", "Quickstart", "bin", configuration, "net10.0", "Quickstart.dll");
        Assert.True(File.Exists(program), $"{program} is missing: build the solution first (./build.sh test does).");
        return program;
    }
}
