namespace FofaDsl.Hosting;

/// <summary>
/// What a run leaves in its output folder, and how a new run may take over a folder that holds another: only by
/// <c>--overwrite</c>, which removes the old run's files (and nothing else) before the new run writes its manifest,
/// so the folder never holds two runs' files.
/// </summary>
internal static class RunFolder
{
    /// <summary>The folders a run writes.</summary>
    private static readonly string[] Folders = ["checkpoints", "tensorboard", "attention"];

    /// <summary>The files a run writes, as patterns.</summary>
    private static readonly string[] Files =
        ["manifest.json", "teacher.safetensors", "student-*.safetensors", "results-*.csv", "seeds-summary.csv", "metrics-*.csv", "steps-*.csv", "*.png"];

    /// <summary>
    /// Refuses (before anything is written) a new <c>train</c> or <c>compare</c> into a folder that holds a run, unless
    /// <paramref name="options"/> says <c>--overwrite</c>; then removes that run's files, keeping any given as weights.
    /// </summary>
    public static void Claim(string folder, RunOptions options, ExperimentDefinition experiment, TextWriter output)
    {
        var manifest = Path.Combine(folder, "manifest.json");
        if (options.Resume || !File.Exists(manifest)) return;
        if (!options.Overwrite)
            throw new UsageException(
                $"'{folder}' holds another run (its manifest.json, written {File.GetLastWriteTimeUtc(manifest):yyyy-MM-dd HH:mm} UTC). " +
                $"Continue it with resume --out {folder}, write this run to another --out, or pass --overwrite to replace it. Nothing was written.");

        var keep = new[] { experiment.TeacherWeights, experiment.StudentWeights }
            .Where(p => p is not null).Select(p => Path.GetFullPath(p!)).ToHashSet();
        var removed = 0;
        foreach (var pattern in Files)
            foreach (var file in Directory.GetFiles(folder, pattern).Where(f => !keep.Contains(Path.GetFullPath(f))))
            {
                File.Delete(file);
                removed++;
            }
        foreach (var name in Folders)
        {
            var path = Path.Combine(folder, name);
            if (!Directory.Exists(path)) continue;
            Directory.Delete(path, recursive: true);
            removed++;
        }
        output.WriteLine($"--overwrite: removed the earlier run's {removed} file(s) and folder(s) from {folder}");
    }
}
