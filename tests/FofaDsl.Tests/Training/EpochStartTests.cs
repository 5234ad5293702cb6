using FofaDsl.Backbones;
using FofaDsl.Data;
using FofaDsl.Methods;
using FofaDsl.Training;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace FofaDsl.Tests.Training;

/// <summary>The loop announces every epoch to the step, counted from 1, also the one a resumed run re-enters midway.</summary>
[Collection(TorchCollection.Name)]
public sealed class EpochStartTests : IDisposable
{
    private static readonly TrainingSchedule Schedule = new(Epochs: 3, BatchSize: 8, OptimizerKind.AdamW, 1e-3, 1e-5, 0.0, 0.9, WarmupEpochs: 0);
    private readonly string folder = Path.Combine(Path.GetTempPath(), "fofa-epochs-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private static ResNet TinyResNet() => new(new ResNetOptions
    {
        NumClasses = 10, InputChannels = 1, ImageSize = 28, Stem = ResNetStem.Cifar, BaseWidth = 4, BlocksPerStage = [1, 1, 1, 1],
    });

    [Fact]
    public void Every_epoch_is_announced_from_1_and_a_resumed_run_announces_the_epoch_it_re_enters()
    {
        // 16 images, batch 8: 2 steps per epoch. Stopping after step 3 leaves epoch 2 half done.
        var data = FashionMnist.LoadEmbedded(FashionMnistSplit.Train).Take(16);
        var test = data.Take(8);
        var split = new TrainingLoop(Schedule, seed: 2, imageSize: 28) { CheckpointDirectory = folder, Fingerprint = "epochs", StopAfterSteps = 3 };

        torch.manual_seed(6);
        var first = new EpochRecordingStep(TinyResNet());
        Assert.False(split.Run(first, data, test).Completed);
        Assert.Equal([1, 2], first.Epochs);
        Assert.Equal([1, 1, 2], first.EpochOfEachBatch);

        var resumed = new EpochRecordingStep(TinyResNet());
        var rest = new TrainingLoop(Schedule, seed: 2, imageSize: 28) { CheckpointDirectory = folder, Fingerprint = "epochs" };
        Assert.True(rest.Run(resumed, data, test, resumeFrom: rest.LastCheckpoint).Completed);
        Assert.Equal([2, 3], resumed.Epochs);
        // The one batch left of epoch 2, then epoch 3's two.
        Assert.Equal([2, 3, 3], resumed.EpochOfEachBatch);
    }

    /// <summary>Supervised training that records the epochs it is told and the epoch of each batch it computes.</summary>
    private sealed class EpochRecordingStep(StagedBackbone model) : ITrainingStep
    {
        private int epoch;

        public List<int> Epochs { get; } = [];

        public List<int> EpochOfEachBatch { get; } = [];

        public string MethodName => "Recording";

        public StagedBackbone Student => model;

        public IEnumerable<Parameter> TrainableParameters() => model.parameters();

        public void MoveTo(Device device) => model.to(device);

        public IReadOnlyList<nn.Module> StatefulModules => [model];

        public void SetTraining(bool training) => model.train(training);

        public void BeginEpoch(int epoch)
        {
            this.epoch = epoch;
            Epochs.Add(epoch);
        }

        public StepOutput Compute(Tensor images, Tensor labels)
        {
            EpochOfEachBatch.Add(epoch);
            var logits = model.call(images);
            var ce = nn.functional.cross_entropy(logits, labels);
            return new StepOutput(ce, [new LossTerm("ce", ce)], logits);
        }
    }
}
