using System.Diagnostics;
using FofaDsl.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Training;

/// <summary>
/// The shared training loop: seeded data order, warm-up + cosine learning rate per step, one
/// dispose scope per step, a NaN/Inf check on every loss term before the optimizer step, and a
/// top-1 evaluation after each epoch.
/// </summary>
/// <param name="schedule">Epochs, batch size, optimizer and learning-rate schedule.</param>
/// <param name="seed">Seed of the data order and augmentation.</param>
/// <param name="imageSize">Side of the images the models expect; batches are resized when the data differs.</param>
/// <param name="log">Receives one line per epoch.</param>
/// <param name="device">Device the step's modules live on and batches are moved to; the CPU when null.</param>
public sealed class TrainingLoop(TrainingSchedule schedule, int seed, int imageSize, Action<string>? log = null, Device? device = null)
{
    /// <summary>Trains <paramref name="step"/> on <paramref name="train"/> and evaluates on <paramref name="test"/> after each epoch.</summary>
    public TrainingResult Run(ITrainingStep step, ImageDataset train, ImageDataset test, CancellationToken cancellation = default)
    {
        schedule.Validate();
        var loader = new BatchLoader(train, BatchLoaderOptions.Training(schedule.BatchSize, seed, randomHorizontalFlip: true));
        if (loader.BatchesPerEpoch == 0)
            throw new ArgumentException($"Batch size {schedule.BatchSize} is larger than the {train.Count} training images: no full batch. Lower the batch size.");

        var target = device ?? CPU;
        step.MoveTo(target);
        var parameters = step.TrainableParameters().ToList();
        using var optimizer = CreateOptimizer(parameters);
        var lr = new LearningRateSchedule(schedule.LearningRate, schedule.MinLearningRate,
            (long)schedule.WarmupEpochs * loader.BatchesPerEpoch, (long)schedule.Epochs * loader.BatchesPerEpoch);

        var epochs = new List<EpochReport>();
        var clock = Stopwatch.StartNew();
        long globalStep = 0;
        for (var epoch = 0; epoch < schedule.Epochs; epoch++)
        {
            step.SetTraining(true);
            var sums = new Dictionary<string, double>();
            var batches = 0;
            foreach (var (images, labels) in loader.Epoch(epoch))
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                foreach (var group in optimizer.ParamGroups) group.LearningRate = lr.At(globalStep);
                optimizer.zero_grad();
                var output = step.Compute(ImageBatches.Resize(images.to(target), imageSize), labels.to(target));
                // One host read per term per step: needed anyway for logging, and it stops a
                // diverging run before the optimizer writes NaNs into the weights.
                foreach (var term in output.Terms)
                {
                    var value = term.Value.item<float>();
                    if (!float.IsFinite(value)) throw new NonFiniteLossException(step.MethodName, epoch + 1, globalStep, term.Name, value);
                    sums[term.Name] = sums.GetValueOrDefault(term.Name) + value;
                }
                output.Total.backward();
                optimizer.step();
                globalStep++;
                batches++;
            }

            var top1 = Evaluator.Top1(step.Student, test, schedule.BatchSize, imageSize, target);
            var means = sums.ToDictionary(kv => kv.Key, kv => kv.Value / Math.Max(1, batches));
            epochs.Add(new EpochReport(epoch + 1, means, top1, clock.Elapsed));
            log?.Invoke(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"[{step.MethodName}] epoch {epoch + 1}/{schedule.Epochs}  {string.Join("  ", means.Select(kv => $"{kv.Key} {kv.Value:F4}"))}  top-1 {top1:P2}  {clock.Elapsed.TotalSeconds:F0}s"));
        }

        return new TrainingResult(step.MethodName, epochs[^1].TestTop1, clock.Elapsed, epochs);
    }

    private optim.Optimizer CreateOptimizer(IEnumerable<TorchSharp.Modules.Parameter> parameters) => schedule.Optimizer switch
    {
        OptimizerKind.AdamW => optim.AdamW(parameters, schedule.LearningRate, weight_decay: schedule.WeightDecay),
        OptimizerKind.Sgd => optim.SGD(parameters, schedule.LearningRate, momentum: schedule.Momentum, weight_decay: schedule.WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule.Optimizer, "Unknown optimizer."),
    };
}
