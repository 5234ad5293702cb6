using FofaDsl.Backbones;
using FofaDsl.Data;
using FofaDsl.Methods;
using FofaDsl.Training;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace FofaDsl.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class TrainingLoopTests
{
    private static readonly TrainingSchedule Schedule = new(Epochs: 1, BatchSize: 8, OptimizerKind.AdamW, 1e-3, 1e-5, 0.0, 0.9, WarmupEpochs: 0);

    private static ResNet TinyResNet() => new(new ResNetOptions { NumClasses = 10, InputChannels = 1, ImageSize = 28, Stem = ResNetStem.Cifar, BaseWidth = 4 });

    [Fact]
    public void A_non_finite_term_stops_the_run_naming_term_and_step_before_any_update()
    {
        torch.manual_seed(0);
        var model = TinyResNet();
        var before = model.parameters().Select(p => p.detach().clone()).ToList();
        var data = FashionMnist.LoadEmbedded(FashionMnistSplit.Train).Take(32);

        var error = Assert.Throws<NonFiniteLossException>(() =>
            new TrainingLoop(Schedule, seed: 1, imageSize: 28).Run(new PoisonedStep(model, poisonAtCall: 3), data, data.Take(8)));

        // The third step is poisoned: it is called step 3, as the steps CSV numbers it.
        Assert.Equal("feature", error.Term);
        Assert.Equal(3, error.Step);
        Assert.Contains("'feature'", error.Message);
        Assert.Contains("epoch 1, step 3 (numbered from 1, as in steps-<method>.csv)", error.Message);
        // Steps 1 and 2 trained; the poisoned step 3 applied nothing, so weights differ from init but hold no NaN.
        Assert.All(model.parameters(), p => Assert.False(p.isnan().any().item<bool>()));
        Assert.Contains(model.parameters().Zip(before), pair => !pair.First.equal(pair.Second).all().item<bool>());
    }

    [Fact]
    public void The_same_seed_trains_to_identical_weights()
    {
        var data = FashionMnist.LoadEmbedded(FashionMnistSplit.Train).Take(32);
        Tensor[] Train()
        {
            torch.manual_seed(4);
            var model = TinyResNet();
            new TrainingLoop(Schedule, seed: 9, imageSize: 28).Run(DistillationStep.Supervised(model, 0.1), data, data.Take(8));
            return model.parameters().Select(p => p.detach().clone()).ToArray();
        }

        var first = Train();
        var second = Train();
        Assert.All(first.Zip(second), pair => Assert.True(pair.First.equal(pair.Second).all().item<bool>()));
    }

    [Fact]
    public void A_batch_larger_than_the_data_is_refused_with_the_fix()
    {
        var data = FashionMnist.LoadEmbedded(FashionMnistSplit.Train).Take(4);
        var error = Assert.Throws<ArgumentException>(() =>
            new TrainingLoop(Schedule, seed: 1, imageSize: 28).Run(DistillationStep.Supervised(TinyResNet(), 0.1), data, data));
        Assert.Contains("Lower the batch size", error.Message);
    }

    /// <summary>A supervised step whose extra "feature" term turns NaN on a chosen call.</summary>
    private sealed class PoisonedStep(StagedBackbone model, int poisonAtCall) : ITrainingStep
    {
        private int calls;

        public string MethodName => "Poisoned";

        public StagedBackbone Student => model;

        public IEnumerable<Parameter> TrainableParameters() => model.parameters();

        public void MoveTo(Device device) => model.to(device);

        public IReadOnlyList<nn.Module> StatefulModules => [model];

        public void SetTraining(bool training) => model.train(training);

        public StepOutput Compute(Tensor images, Tensor labels)
        {
            calls++;
            var logits = model.call(images);
            var ce = nn.functional.cross_entropy(logits, labels);
            var feature = calls == poisonAtCall ? ce * double.NaN : ce * 0;
            return new StepOutput(ce + feature, [new LossTerm("ce", ce), new LossTerm("feature", feature)], logits);
        }
    }
}

[Collection(TorchCollection.Name)]
public sealed class WeightDecayTests
{
    [Theory]
    [InlineData(OptimizerKind.AdamW)]
    [InlineData(OptimizerKind.Sgd)]
    public void Weights_decay_but_biases_do_not(OptimizerKind kind)
    {
        var layer = nn.Linear(2, 2);
        var weightBefore = layer.weight!.detach().clone();
        var biasBefore = layer.bias!.detach().clone();
        var schedule = new TrainingSchedule(1, 1, kind, 0.1, 0, 0.5, 0, 0);
        using var optimizer = TrainingLoop.CreateOptimizer(schedule, layer.parameters());
        foreach (var p in layer.parameters()) p.grad = zeros_like(p);
        optimizer.step();

        // With zero gradients only weight decay moves anything: the weight shrinks by lr * wd = 5%.
        Assert.True((layer.weight!.detach() - weightBefore * 0.95).abs().max().item<float>() < 1e-6);
        Assert.True(layer.bias!.detach().equal(biasBefore).all().item<bool>());
    }
}
