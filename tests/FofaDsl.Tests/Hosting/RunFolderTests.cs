using FofaDsl.Hosting;
using FofaDsl.Tests.Generated;

namespace FofaDsl.Tests.Hosting;

/// <summary>What a training verb does with its output folder before it writes: the lock, and the leftovers of a crash.</summary>
[Collection(TorchCollection.Name)]
public sealed class RunFolderTests : IDisposable
{
    private readonly string output = Path.Combine(Path.GetTempPath(), "fofa-folder-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
    }

    [Fact]
    public async Task A_run_into_a_folder_another_run_holds_is_refused_before_writing_anything()
    {
        Directory.CreateDirectory(output);
        using (RunFolderLock.Acquire(output))
        {
            var (code, _, error) = await HostRun.Run(TinyExperiment.Definition, "train", "--methods", "scratch", "--out", output);
            Assert.Equal(1, code);
            Assert.Contains($"is in use by another run (process {Environment.ProcessId})", error);
            Assert.False(File.Exists(Path.Combine(output, "manifest.json")));
        }
        await HostRun.Succeeds(TinyExperiment.Definition, "train", "--methods", "scratch", "--out", output);
    }

    [Fact]
    public async Task Temporary_files_a_crash_left_are_removed_with_a_line_that_says_so()
    {
        var stale = Path.Combine(output, "checkpoints", "scratch", "last.ckpt.tmp");
        Directory.CreateDirectory(Path.GetDirectoryName(stale)!);
        File.WriteAllBytes(stale, new byte[1000]);
        var log = await HostRun.Succeeds(TinyExperiment.Definition, "train", "--methods", "scratch", "--out", output);
        Assert.Contains($"removed 1 unfinished temporary file(s) an earlier run left: {Path.Combine("checkpoints", "scratch", "last.ckpt.tmp")}", log);
        Assert.Empty(Directory.GetFiles(output, "*.tmp", SearchOption.AllDirectories));
    }
}
