using FofaDsl.Data;
using FofaDsl.Methods;
using FofaDsl.Tests.Generated;
using FofaDsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Training;

/// <summary>Resume continues exactly; a bad checkpoint is refused before anything changes.</summary>
[Collection(TorchCollection.Name)]
public sealed class CheckpointTests : IDisposable
{
    private static readonly TrainingSchedule Schedule = new(Epochs: 2, BatchSize: 8, OptimizerKind.AdamW, 1e-3, 1e-5, 0.05, 0.9, WarmupEpochs: 1);
    private readonly string folder = Path.Combine(Path.GetTempPath(), "fofa-ckpt-" + Guid.NewGuid().ToString("N"));
    private static readonly ImageDataset Train = FashionMnist.LoadEmbedded(FashionMnistSplit.Train).BalancedSubset(32);
    private static readonly ImageDataset Test = FashionMnist.LoadEmbedded(FashionMnistSplit.Test).BalancedSubset(16);

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private static ITrainingStep NewFofaStep()
    {
        torch.manual_seed(5);
        return TinyExperiment.CreateFofaStep(new(TinyExperiment.CreateTeacher(), TinyExperiment.CreateStudent(), Train.Count));
    }

    private TrainingLoop Loop(string name, List<(long, float)> losses, long? stopAfter = null) => new(Schedule, seed: 3, imageSize: 28)
    {
        CheckpointDirectory = Path.Combine(folder, name),
        Fingerprint = "tiny/fofa",
        StopAfterSteps = stopAfter,
        OnStep = (index, terms) => losses.Add((index, terms.Values.Sum())),
    };

    [Fact]
    public void Stopping_halfway_and_resuming_gives_the_same_weights_and_losses_as_one_run()
    {
        // 32 images, batch 8: 4 steps per epoch, 8 in all; stop after step 6, in the middle of epoch 2.
        var straightLosses = new List<(long, float)>();
        var straight = NewFofaStep();
        var straightResult = Loop("straight", straightLosses).Run(straight, Train, Test);

        var splitLosses = new List<(long, float)>();
        var first = NewFofaStep();
        var partial = Loop("split", splitLosses, stopAfter: 6).Run(first, Train, Test);
        Assert.False(partial.Completed);

        // A fresh process: the same (frozen) teacher, a freshly initialised student and FOFA modules, and
        // a scrambled random generator. The checkpoint must bring back everything else.
        var resumed = NewFofaStep();
        torch.manual_seed(999);
        var split = Loop("split", splitLosses);
        var resumedResult = split.Run(resumed, Train, Test, resumeFrom: split.LastCheckpoint);

        Assert.Equal(straightLosses, splitLosses);
        Assert.Equal(straightResult.TestTop1, resumedResult.TestTop1);
        Assert.Equal(straightResult.Epochs.Select(e => e.MeanTerms), resumedResult.Epochs.Select(e => e.MeanTerms));
        foreach (var (a, b) in straight.StatefulModules.SelectMany(m => m.state_dict().Values).Zip(resumed.StatefulModules.SelectMany(m => m.state_dict().Values)))
            Assert.True(a.equal(b).all().item<bool>());
    }

    [Fact]
    public void A_corrupt_truncated_or_foreign_checkpoint_is_refused_and_changes_nothing()
    {
        var losses = new List<(long, float)>();
        var loop = Loop("bad", losses, stopAfter: 2);
        loop.Run(NewFofaStep(), Train, Test);
        var path = loop.LastCheckpoint!;
        var good = File.ReadAllBytes(path);

        var truncated = Path.Combine(folder, "truncated.ckpt");
        File.WriteAllBytes(truncated, good[..(good.Length / 2)]);
        var corrupt = Path.Combine(folder, "corrupt.ckpt");
        var flipped = (byte[])good.Clone();
        flipped[^10] ^= 0xFF;
        File.WriteAllBytes(corrupt, flipped);
        var notACheckpoint = Path.Combine(folder, "weights.ckpt");
        File.WriteAllText(notACheckpoint, "hello");

        var target = NewFofaStep();
        var before = target.StatefulModules.SelectMany(m => m.state_dict().Values).Select(t => t.clone()).ToList();
        string Refusal(string file, string fingerprint = "tiny/fofa") => Assert.Throws<InvalidDataException>(() =>
            new TrainingLoop(Schedule, 3, 28) { Fingerprint = fingerprint }.Run(target, Train, Test, resumeFrom: file)).Message;

        Assert.Contains("truncated", Refusal(truncated));
        Assert.Contains("corrupt", Refusal(corrupt));
        Assert.Contains("not a FofaDsl checkpoint", Refusal(notACheckpoint));
        Assert.Contains("belongs to 'tiny/fofa'", Refusal(path, fingerprint: "other/kd"));
        foreach (var (after, then) in target.StatefulModules.SelectMany(m => m.state_dict().Values).Zip(before))
            Assert.True(after.equal(then).all().item<bool>());
        Assert.Equal(good, File.ReadAllBytes(path));
    }

    [Fact]
    public void Best_and_last_checkpoints_are_kept_after_each_epoch()
    {
        var loop = Loop("kept", []);
        loop.Run(NewFofaStep(), Train, Test);
        Assert.Equal(2, TrainingCheckpoint.Peek(loop.LastCheckpoint!).CompletedEpochs);
        Assert.True(File.Exists(loop.BestCheckpoint));
        Assert.False(File.Exists(loop.LastCheckpoint + ".tmp"));
    }
}
