using FofaDsl.Tests.Generated;

namespace FofaDsl.Tests.Hosting;

/// <summary>One <c>train --methods fofa</c> run of <see cref="TinyExperiment"/> (16 images, 1 epoch), shared by the verb tests that read it.</summary>
public sealed class TrainedTinyRun : IAsyncLifetime
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "fofa-verbs-" + Guid.NewGuid().ToString("N"));

    public string Log { get; private set; } = "";

    public string BestFofa => Path.Combine(Folder, "checkpoints", "fofa", "best.ckpt");

    public async Task InitializeAsync()
    {
        var (code, output, error) = await HostRun.Run(TinyExperiment.Definition, "train", "--methods", "fofa", "--out", Folder, "--train-limit", "16", "--epochs", "1");
        Assert.True(code == 0, error);
        Log = output;
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }
}
