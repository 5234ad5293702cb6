namespace FofaDsl.Platform;

/// <summary>What is wrong with a path given where a file is expected, in words for an error message.</summary>
public static class InputFile
{
    /// <summary>
    /// Null when <paramref name="path"/> is a file; otherwise "is a folder, not a file" or "does not exist", so that a
    /// folder passed by mistake is not reported as missing.
    /// </summary>
    public static string? Problem(string path) =>
        File.Exists(path) ? null : Directory.Exists(path) ? "is a folder, not a file" : "does not exist";
}
