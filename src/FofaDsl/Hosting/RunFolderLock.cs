using System.Globalization;

namespace FofaDsl.Hosting;

/// <summary>
/// A training run's exclusive hold on its output folder: an operating-system lock on <c>&lt;out&gt;/.lock</c> (released
/// by the system when the process ends, however it ends, so a crash leaves nothing to clean up), with the owner's process
/// id beside it in <c>.lock.pid</c> for the message another process gives.
/// </summary>
internal sealed class RunFolderLock : IDisposable
{
    private const string LockName = ".lock";
    private const string OwnerName = ".lock.pid";
    private readonly FileStream handle;

    private RunFolderLock(FileStream handle) => this.handle = handle;

    /// <summary>
    /// Takes the lock of <paramref name="folder"/> (which must exist); throws <see cref="IOException"/> naming the process that
    /// holds it when another run has it.
    /// </summary>
    public static RunFolderLock Acquire(string folder)
    {
        FileStream handle;
        try
        {
            // FileShare.None is an exclusive advisory lock (flock) on Linux and macOS and a share lock on Windows.
            handle = new FileStream(Path.Combine(folder, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            var owner = Owner(folder);
            throw new IOException(
                $"'{folder}' is in use by another run ({(owner is null ? "its process id is unknown" : $"process {owner}")}). " +
                "Wait for it to finish or stop it (Ctrl-C lets it write a checkpoint), or pass another --out. Nothing was written.", e);
        }
        File.WriteAllText(Path.Combine(folder, OwnerName), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return new RunFolderLock(handle);
    }

    /// <summary>Releases the lock (the system does so too when the process ends).</summary>
    public void Dispose() => handle.Dispose();

    private static string? Owner(string folder)
    {
        try
        {
            return File.ReadAllText(Path.Combine(folder, OwnerName)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
