using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace FofaDsl.Platform;

/// <summary>
/// The one way a run writes a file: into <c>&lt;name&gt;.tmp</c> beside it, flushed to disk, renamed over the target,
/// and the folder flushed so the rename survives a power cut. On any failure the temporary file is deleted and the
/// target is the old file, untouched; a full disk is reported naming the folder, the free space and the space needed.
/// </summary>
internal static class AtomicFile
{
    /// <summary>The suffix of the temporary files, which <see cref="RemoveStale"/> cleans up after a crash.</summary>
    public const string TemporarySuffix = ".tmp";

    /// <summary>Writes <paramref name="path"/> with what <paramref name="write"/> puts into the stream.</summary>
    public static void Write(string path, Action<Stream> write) => WriteWith(path, temporary =>
    {
        using var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None);
        write(stream);
    });

    /// <summary>Writes <paramref name="path"/> from a file another writer (e.g. TorchSharp) produces at the path it is given.</summary>
    public static void WriteWith(string path, Action<string> writeTo)
    {
        var fullPath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(folder);
        var temporary = fullPath + TemporarySuffix;
        try
        {
            writeTo(temporary);
            using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) stream.Flush(flushToDisk: true);
            FaultInjection.Point(Path.GetFileName(fullPath) + ":before-rename");
            File.Move(temporary, fullPath, overwrite: true);
            FaultInjection.Point(Path.GetFileName(fullPath) + ":after-rename");
            FlushFolder(folder);
        }
        catch (Exception e)
        {
            var written = File.Exists(temporary) ? new FileInfo(temporary).Length : 0;
            TryDelete(temporary);
            if (e is IOException io && IsDiskFull(io)) throw DiskFull(fullPath, written, io);
            throw;
        }
    }

    /// <summary>Makes <paramref name="path"/> a copy of <paramref name="source"/>.</summary>
    public static void Copy(string source, string path) => WriteWith(path, temporary => File.Copy(source, temporary, overwrite: true));

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>Writes <paramref name="text"/> (UTF-8, no byte-order mark) to <paramref name="path"/>.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));

    /// <summary>
    /// Deletes the temporary files a crash left in <paramref name="folder"/> and below (they hold nothing that the
    /// finished files do not), returning their paths; none when the folder does not exist.
    /// </summary>
    public static IReadOnlyList<string> RemoveStale(string folder)
    {
        if (!Directory.Exists(folder)) return [];
        var stale = Directory.EnumerateFiles(folder, "*" + TemporarySuffix, SearchOption.AllDirectories).ToList();
        foreach (var file in stale) TryDelete(file);
        return stale;
    }

    /// <summary>Whether <paramref name="error"/> says the device is full (ENOSPC, or Windows' disk-full codes).</summary>
    internal static bool IsDiskFull(IOException error) =>
        error.HResult is 28 or unchecked((int)0x80070070) or unchecked((int)0x80070027)
        || error.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase);

    private static IOException DiskFull(string path, long written, IOException error)
    {
        var folder = Path.GetDirectoryName(path)!;
        long? free = null;
        try
        {
            free = new DriveInfo(folder).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // The message goes out without the free space.
        }
        var needed = Math.Max(written, File.Exists(path) ? new FileInfo(path).Length : 0);
        var freeText = free is { } bytes ? Size(bytes) + " free" : "free space unknown";
        return new IOException(
            $"The disk of '{folder}' is full ({freeText}; writing {Path.GetFileName(path)} needed more than {Size(needed)}). " +
            $"The previous {Path.GetFileName(path)} is intact and the partial file was removed: free some space (or use --out on another disk), " +
            "then continue with resume --out on the same folder.", error);
    }

    private static string Size(long bytes) => bytes >= 1 << 20
        ? (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) + " MiB"
        : (bytes / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " KiB";

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Removed at the next start instead (RemoveStale).
        }
    }

    /// <summary>Makes the folder's entries (the rename) durable; a no-op where the system has no such call.</summary>
    private static void FlushFolder(string folder)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        var descriptor = Open(folder, 0 /* O_RDONLY */);
        if (descriptor < 0) return;
        try
        {
            _ = Fsync(descriptor);
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int descriptor);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int descriptor);
}
