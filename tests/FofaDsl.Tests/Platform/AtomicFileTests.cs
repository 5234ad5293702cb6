using FofaDsl.Platform;

namespace FofaDsl.Tests.Platform;

/// <summary>Every file a run writes goes through AtomicFile: the old file or the new one, never half of one, no leftovers.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("fofa-atomic-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_failed_write_leaves_the_old_file_and_no_temporary_file()
    {
        var path = Path.Combine(folder, "last.ckpt");
        AtomicFile.WriteAllText(path, "old");
        var error = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half of the new"u8);
            throw new InvalidOperationException("serializer failed");
        }));
        Assert.Equal("serializer failed", error.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(folder));

        AtomicFile.WriteAllText(path, "new");
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(folder));
    }

    [Fact]
    public void A_full_disk_is_named_with_the_folder_and_what_to_do_and_the_partial_file_is_removed()
    {
        var path = Path.Combine(folder, "checkpoints", "kd", "last.ckpt");
        AtomicFile.WriteAllText(path, "previous checkpoint");
        // What the system throws for ENOSPC (errno 28) on Linux.
        var error = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[4096]);
            stream.Flush();
            throw new IOException("No space left on device : '" + path + ".tmp'", 28);
        }));
        Assert.Contains($"The disk of '{Path.GetDirectoryName(path)}' is full", error.Message);
        Assert.Contains("free", error.Message);
        Assert.Contains("needed more than 4.0 KiB", error.Message);
        Assert.Contains("then continue with resume --out", error.Message);
        Assert.Equal("previous checkpoint", File.ReadAllText(path));
        Assert.False(File.Exists(path + AtomicFile.TemporarySuffix));
    }

    [Fact]
    public void Stale_temporary_files_below_a_folder_are_removed_and_listed()
    {
        var nested = Path.Combine(folder, "checkpoints", "fofa");
        Directory.CreateDirectory(nested);
        File.WriteAllText(Path.Combine(nested, "last.ckpt.tmp"), "crash");
        File.WriteAllText(Path.Combine(folder, "manifest.json.tmp"), "crash");
        File.WriteAllText(Path.Combine(nested, "last.ckpt"), "kept");
        var removed = AtomicFile.RemoveStale(folder);
        Assert.Equal(2, removed.Count);
        Assert.Equal([Path.Combine(nested, "last.ckpt")], Directory.GetFiles(folder, "*", SearchOption.AllDirectories));
        Assert.Empty(AtomicFile.RemoveStale(Path.Combine(folder, "absent")));
    }
}
