using FofaDsl.Data;
using FofaDsl.Methods;
using FofaDsl.Tests.Generated;
using FofaDsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class ModelEmaTests
{
    [Fact]
    public void Update_moves_the_average_by_one_minus_decay_and_swap_in_restores_the_weights()
    {
        var model = nn.Linear(2, 1);
        using (no_grad())
        {
            model.weight!.copy_(tensor(new float[] { 1, 2 }).reshape(1, 2));
            model.bias!.fill_(0);
        }
        using var ema = new ModelEma(model, decay: 0.75);
        using (no_grad()) model.weight!.copy_(tensor(new float[] { 5, 6 }).reshape(1, 2));
        ema.Update();

        // 0.75 * old + 0.25 * new: (1, 2) -> (2, 3)
        Assert.Equal(new[] { 2f, 3f }, ema.Shadow["weight"].data<float>().ToArray());
        using (ema.SwapIn()) Assert.Equal(new[] { 2f, 3f }, model.weight!.data<float>().ToArray());
        Assert.Equal(new[] { 5f, 6f }, model.weight!.data<float>().ToArray());
    }

    [Fact]
    public void A_run_with_EMA_and_clipping_resumes_exactly_and_keeps_the_average()
    {
        var schedule = new TrainingSchedule(2, 8, OptimizerKind.Sgd, 0.05, 0.0, 0.0, 0.9, 0) { EmaDecay = 0.9, GradientClip = 0.5, Decay = LearningRateDecay.Step, DecayEveryEpochs = 1 };
        var train = FashionMnist.LoadEmbedded(FashionMnistSplit.Train).BalancedSubset(32);
        var test = FashionMnist.LoadEmbedded(FashionMnistSplit.Test).BalancedSubset(16);
        var folder = Path.Combine(Path.GetTempPath(), "fofa-ema-" + Guid.NewGuid().ToString("N"));
        try
        {
            ITrainingStep Fresh()
            {
                torch.manual_seed(8);
                return DistillationStep.Supervised(TinyExperiment.CreateStudent(), 0.1);
            }

            TrainingLoop Loop(string name, long? stop = null) => new(schedule, 1, 28) { CheckpointDirectory = Path.Combine(folder, name), Fingerprint = "ema", StopAfterSteps = stop };

            var straight = Fresh();
            var straightResult = Loop("a").Run(straight, train, test);
            Loop("b", stop: 5).Run(Fresh(), train, test);
            var resumed = Fresh();
            var loop = Loop("b");
            var resumedResult = loop.Run(resumed, train, test, resumeFrom: loop.LastCheckpoint);

            Assert.Equal(straightResult.TestTop1, resumedResult.TestTop1);
            foreach (var (a, b) in straight.Student.state_dict().Values.Zip(resumed.Student.state_dict().Values))
                Assert.True(a.equal(b).all().item<bool>());
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
