using FofaDsl.Backbones;
using FofaDsl.Data;
using FofaDsl.Methods.Cc;
using FofaDsl.Methods.Crd;
using FofaDsl.Methods.Rkd;
using FofaDsl.Methods;
using FofaDsl.Training;
using TorchSharp;
using static TorchSharp.torch;
using static FofaDsl.Tests.Methods.DistillationModels;

namespace FofaDsl.Tests.Methods;

/// <summary>CC, RKD and CRD steps run through the training loop and resume exactly from a checkpoint.</summary>
[Collection(TorchCollection.Name)]
public sealed class DistillationTrainingTests : IDisposable
{
    private static readonly ImageDataset Train = FashionMnist.LoadEmbedded(FashionMnistSplit.Train).BalancedSubset(16);
    private static readonly ImageDataset Test = FashionMnist.LoadEmbedded(FashionMnistSplit.Test).BalancedSubset(8);
    private readonly string folder = Path.Combine(Path.GetTempPath(), "fofa-distil-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>
    /// A step of <paramref name="method"/> on 28-pixel one-channel models: the same teacher every time (a
    /// trained teacher is not part of a checkpoint), a student and term modules from <paramref name="seed"/>.
    /// </summary>
    private static DistillationStep NewStep(string method, int seed = 5)
    {
        manual_seed(1);
        StagedBackbone teacher = TinyVit(inputChannels: 1, imageSize: 28, classes: 10);
        manual_seed(seed);
        StagedBackbone student = TinyResNet(inputChannels: 1, imageSize: 28, classes: 10);
        IDistillationTerm term = method switch
        {
            "cc" => new CcTerm(teacher, student, new CcOptions { EmbedDim = 8 }),
            "rkd" => new RkdTerm(new RkdOptions()),
            _ => new CrdTerm(teacher, student, Train.Count, new CrdOptions { EmbedDim = 8, Negatives = 6 }),
        };
        return new DistillationStep(method.ToUpperInvariant(), teacher, student, new FofaLossWeights(), [term]);
    }

    private TrainingLoop Loop(string name, int epochs, List<(long, float)> losses, long? stopAfter = null) =>
        new(new TrainingSchedule(Epochs: epochs, BatchSize: 8, OptimizerKind.AdamW, 1e-3, 1e-5, 0.05, 0.9, WarmupEpochs: 0), seed: 3, imageSize: 28)
        {
            CheckpointDirectory = Path.Combine(folder, name),
            Fingerprint = "tiny/" + name,
            StopAfterSteps = stopAfter,
            OnStep = (index, terms) => losses.Add((index, terms.Values.Sum())),
        };

    [Fact]
    public void A_Crd_step_trains_two_steps_through_the_loop_and_fills_every_memory_row()
    {
        var step = NewStep("crd");
        var crd = (CrdTerm)step.Terms[0];
        var terms = new List<IReadOnlyDictionary<string, float>>();
        var loop = new TrainingLoop(new TrainingSchedule(Epochs: 1, BatchSize: 8, OptimizerKind.AdamW, 1e-3, 1e-5, 0.05, 0.9, WarmupEpochs: 0), seed: 1, imageSize: 28)
        {
            OnStep = (_, values) => terms.Add(values),
        };

        var result = loop.Run(step, Train, Test);

        Assert.Equal(2, terms.Count);
        Assert.All(terms, t =>
        {
            Assert.Equal(["ce", "crd"], t.Keys);
            Assert.All(t.Values, v => Assert.True(float.IsFinite(v)));
        });
        Assert.True(result.Completed);
        // 16 images in 2 batches of 8: every sample's row was written once, so every row is now unit length.
        var norms = crd.Contrast.StudentMemory.norm(1);
        Assert.True(norms.allclose(ones_like(norms), rtol: 1e-4, atol: 1e-5), $"row norms {norms.str()}");
        Assert.NotNull(crd.Contrast.NormalisationConstants);
    }

    public static TheoryData<string> Methods => new() { "cc", "rkd", "crd" };

    [Theory]
    [MemberData(nameof(Methods))]
    public void Stopping_and_resuming_gives_the_same_losses_and_state_as_one_run(string method)
    {
        // 16 images, batch 8: 2 steps per epoch, 4 in all; stop after step 3, in the middle of epoch 2.
        var straightLosses = new List<(long, float)>();
        var straight = NewStep(method);
        Loop(method + "-straight", 2, straightLosses).Run(straight, Train, Test);

        var splitLosses = new List<(long, float)>();
        Loop(method + "-split", 2, splitLosses, stopAfter: 3).Run(NewStep(method), Train, Test);
        // Fresh modules from another seed: everything that matters must come from the checkpoint.
        var resumed = NewStep(method, seed: 77);
        var split = Loop(method + "-split", 2, splitLosses);
        split.Run(resumed, Train, Test, resumeFrom: split.LastCheckpoint);

        Assert.Equal(4, straightLosses.Count);
        Assert.Equal(straightLosses, splitLosses);
        Assert.Equal(straight.StatefulModules.Count, resumed.StatefulModules.Count);
        foreach (var (a, b) in straight.StatefulModules.SelectMany(m => m.state_dict()).Zip(resumed.StatefulModules.SelectMany(m => m.state_dict())))
        {
            Assert.Equal(a.Key, b.Key);
            Assert.True(a.Value.equal(b.Value).all().item<bool>(), $"{method}: {a.Key} differs after resuming.");
        }
    }
}
