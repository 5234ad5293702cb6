using FofaDsl.Hosting;

namespace FofaDsl.Tests.Hosting;

/// <summary>One run per output folder, by an operating-system lock that a dead process cannot leave behind.</summary>
public sealed class RunFolderLockTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("fofa-lock-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_second_holder_is_refused_naming_the_first_process_and_the_folder_is_free_again_after_release()
    {
        using (RunFolderLock.Acquire(folder))
        {
            var error = Assert.Throws<IOException>(() => RunFolderLock.Acquire(folder));
            Assert.Contains($"'{folder}' is in use by another run (process {Environment.ProcessId})", error.Message);
            Assert.Contains("pass another --out", error.Message);
        }
        using var again = RunFolderLock.Acquire(folder);
    }
}
