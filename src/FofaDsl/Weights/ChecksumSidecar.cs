using System.Security.Cryptography;

namespace FofaDsl.Weights;

/// <summary>
/// A weights file may come with a <c>&lt;file&gt;.sha256</c> beside it, in <c>sha256sum</c>'s format (the digest, then
/// optionally the file name), as model hubs publish them. When it is there, the file is verified against it before
/// anything is read, so a truncated download or an altered file of any format is refused by name.
/// </summary>
internal static class ChecksumSidecar
{
    /// <summary>The sidecar's path for <paramref name="path"/>.</summary>
    public static string PathFor(string path) => path + ".sha256";

    /// <summary>Verifies <paramref name="path"/> against its sidecar, when it has one.</summary>
    /// <exception cref="WeightLoadException">The sidecar is unreadable, or the file's SHA-256 differs from it.</exception>
    public static void VerifyIfPresent(string path)
    {
        var sidecar = PathFor(path);
        if (!File.Exists(sidecar)) return;

        var text = File.ReadAllText(sidecar).Trim();
        var expected = text.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        if (expected.Length != 64 || !expected.All(Uri.IsHexDigit))
        {
            throw new WeightLoadException(
                $"Cannot load '{path}': its checksum file '{sidecar}' does not start with a 64-digit SHA-256 in hex. " +
                $"Rewrite it with: sha256sum '{Path.GetFileName(path)}' > '{Path.GetFileName(sidecar)}', or delete it.", path);
        }

        string actual;
        using (var file = File.OpenRead(path)) actual = Convert.ToHexStringLower(SHA256.HashData(file));
        if (!actual.Equals(expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new WeightLoadException(
                $"Cannot load '{path}': the file is corrupt or truncated: its SHA-256 ({actual}) differs from the one in " +
                $"'{sidecar}' ({expected.ToLowerInvariant()}). Download it again, or, if the file was changed on purpose, update or delete the checksum file.", path);
        }
    }
}
