using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using FofaDsl.Platform;
using TorchSharp;

namespace FofaDsl.Hosting;

/// <summary>
/// <c>manifest.json</c> beside a run's outputs: what ran (resolved settings and their fingerprint),
/// with what (seed, library versions, git commit, device, threads) and how it was invoked.
/// </summary>
public static class RunManifest
{
    /// <summary>Writes the manifest atomically.</summary>
    public static void Write(string path, ExperimentDefinition experiment, RunOptions options, torch.Device device, string? selfCheck = null)
    {
        var manifest = new Dictionary<string, object?>
        {
            ["experiment"] = experiment.Name,
            // What resume continues: the verb (train or compare) and the methods below.
            ["command"] = options.Command,
            ["resumed"] = options.Resume,
            ["fingerprint"] = experiment.Fingerprint,
            ["seed"] = experiment.Seed,
            // compare --seeds: every seed each method ran under (the teacher's is "seed", the first).
            ["seeds"] = options.Seeds,
            ["teacher"] = experiment.TeacherDescription,
            ["student"] = experiment.StudentDescription,
            ["methods"] = options.SelectMethods(experiment).Select(m => m.Name).ToList(),
            // Each run as every report shows it: its name, then what sets it apart from the full method.
            ["runs"] = options.SelectMethods(experiment).ToDictionary(m => m.Name, m => m.DisplayName),
            ["outputDirectory"] = experiment.OutputDirectory,
            ["checkpointEverySteps"] = experiment.CheckpointEverySteps,
            // Every resolved setting by option name, as text: what a resume takes back (RunRecord).
            ["settings"] = RunSettings.Values(experiment),
            // Resolved: the declaration with the command line's overrides; enums by name (for people and tools; not read back).
            ["schedule"] = experiment.Schedule,
            ["teacherEpochs"] = experiment.TeacherEpochs,
            ["effectiveBatchSize"] = experiment.Schedule.BatchSize,
            // Data-parallel processes (mpirun/srun ranks), each training on batchSize / worldSize images of every batch.
            ["worldSize"] = Distributed.Communicator.World.Size,
            ["lossWeights"] = experiment.Weights,
            ["data"] = experiment.Data,
            ["teacherWeights"] = experiment.TeacherWeights,
            ["studentWeights"] = experiment.StudentWeights,
            ["device"] = device.ToString(),
            ["cpuThreads"] = torch.get_num_threads(),
            // Two runs' numbers are comparable knowingly only with the processor and the kernels that computed them.
            ["cpu"] = CpuIdentity.Current.ToString(),
            ["convolutionKernels"] = TorchRuntime.Settings.ToString(),
            ["selfCheck"] = selfCheck,
            ["fofaDslVersion"] = typeof(RunManifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
            ["torchSharpVersion"] = typeof(torch).Assembly.GetName().Version?.ToString(),
            ["dotnetVersion"] = Environment.Version.ToString(),
            ["gitCommit"] = GitCommit(),
            ["commandLine"] = Environment.GetCommandLineArgs(),
            ["startedUtc"] = DateTime.UtcNow.ToString("O"),
        };
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true, Converters = { new JsonStringEnumConverter() } }));
    }

    /// <summary>The commit of the working directory's git repository, or null outside one (or without git).</summary>
    private static string? GitCommit()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse HEAD") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (git is null) return null;
            var commit = git.StandardOutput.ReadToEnd().Trim();
            return git.WaitForExit(5000) && git.ExitCode == 0 && commit.Length > 0 ? commit : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }
}
