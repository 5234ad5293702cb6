using System.Diagnostics;
using System.Globalization;
using FofaDsl.Data;
using FofaDsl.Distributed;
using FofaDsl.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Training;

/// <summary>
/// The shared training loop: seeded data order, warm-up + cosine learning rate per step, one
/// dispose scope per step, a NaN/Inf check on every loss term before the optimizer step, a top-1
/// evaluation after each epoch, and resumable checkpoints ("last" and "best") that continue a run
/// exactly where it stopped.
/// </summary>
/// <param name="schedule">Epochs, batch size, optimizer and learning-rate schedule.</param>
/// <param name="seed">Seed of the data order and augmentation.</param>
/// <param name="imageSize">Side of the images the models expect; batches are resized when the data differs.</param>
/// <param name="log">Receives one line per epoch.</param>
/// <param name="device">Device the step's modules live on and batches are moved to; the CPU when null.</param>
public sealed class TrainingLoop(TrainingSchedule schedule, int seed, int imageSize, Action<string>? log = null, Device? device = null)
{
    /// <summary>Folder for <c>last.ckpt</c> and <c>best.ckpt</c>; null writes no checkpoints.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Identifies the experiment and method in checkpoints; a checkpoint with another is refused.</summary>
    public string Fingerprint { get; init; } = "";

    /// <summary>Also write <c>last.ckpt</c> every this many optimizer steps (0: at the end of each epoch only).</summary>
    public int CheckpointEverySteps { get; init; }

    /// <summary>Stop after this global optimizer step (writing <c>last.ckpt</c>), e.g. to split a run into time slices.</summary>
    public long? StopAfterSteps { get; init; }

    /// <summary>Training augmentation. Recipes replace the loader's flips and may turn labels into soft targets (mixup/cutmix).</summary>
    public AugmentationKind Augmentation { get; init; } = AugmentationKind.Flip;

    /// <summary>Receives each step's global index and its loss terms, as read for the NaN check.</summary>
    public Action<long, IReadOnlyDictionary<string, float>>? OnStep { get; init; }

    /// <summary>Receives the run's start, every step and every epoch (console progress, per-step metrics); none when null.</summary>
    public ITrainingProgress? Progress { get; init; }

    /// <summary>
    /// The job this loop trains in: under N ranks each trains a replica on its slice of every batch, gradients and
    /// logged losses are averaged over the ranks, and only rank 0 writes checkpoints. One process by default.
    /// </summary>
    internal ICommunicator World { get; init; } = Communicator.World;

    /// <summary>The checkpoint written after every epoch and at a stop.</summary>
    public string? LastCheckpoint => CheckpointDirectory is null ? null : Path.Combine(CheckpointDirectory, "last.ckpt");

    /// <summary>The checkpoint of the epoch with the best held-out top-1.</summary>
    public string? BestCheckpoint => CheckpointDirectory is null ? null : Path.Combine(CheckpointDirectory, "best.ckpt");

    /// <summary>
    /// Trains <paramref name="step"/> on <paramref name="train"/>, evaluating on <paramref name="test"/> after each
    /// epoch; with <paramref name="resumeFrom"/>, first restores that checkpoint and continues from its step.
    /// </summary>
    public TrainingResult Run(ITrainingStep step, ImageDataset train, ImageDataset test, CancellationToken cancellation = default, string? resumeFrom = null)
    {
        schedule.Validate();
        var world = World;
        if (schedule.BatchSize % world.Size != 0)
            throw new ArgumentException($"Batch size {schedule.BatchSize} (the global batch) cannot be split evenly over {world.Size} processes: use a multiple of {world.Size}.");
        var loader = new BatchLoader(train, BatchLoaderOptions.Training(schedule.BatchSize, seed, randomHorizontalFlip: Augmentation == AugmentationKind.Flip)
            with { ShardIndex = world.Rank, ShardCount = world.Size });
        var normalisation = Augmentation is AugmentationKind.CnnRecipe or AugmentationKind.VitRecipe ? FofaDsl.Augmentation.ChannelNormalisation.FromDataset(train) : null;
        if (loader.BatchesPerEpoch == 0)
            throw new ArgumentException($"Batch size {schedule.BatchSize} is larger than the {train.Count} training images: no full batch. Lower the batch size.");

        var target = device ?? CPU;
        step.MoveTo(target);
        var parameters = step.TrainableParameters().ToList();
        using var optimizer = CreateOptimizer(parameters);
        var lr = LearningRateSchedule.For(schedule, loader.BatchesPerEpoch);
        using var ema = schedule.EmaDecay > 0 ? new ModelEma(step.Student, schedule.EmaDecay) : null;
        var gradients = world.Size > 1 ? new GradientAllReduce(world, parameters) : null;

        var state = resumeFrom is null
            ? new CheckpointState(Fingerprint, 0, 0, 0, 0, [], new Dictionary<string, double>())
            : TrainingCheckpoint.Load(resumeFrom, Fingerprint, step, optimizer, ema);
        if (resumeFrom is not null)
        {
            // A run that had finished all its epochs has nothing left: say so rather than name an epoch past the last.
            log?.Invoke(state.CompletedEpochs >= schedule.Epochs
                ? $"[{step.MethodName}] {resumeFrom} finished all {schedule.Epochs} epochs ({state.GlobalStep} steps); nothing left to train (pass a larger --epochs to continue it)"
                : $"[{step.MethodName}] resumed from {resumeFrom} at epoch {state.CompletedEpochs + 1} of {schedule.Epochs}, after step {state.GlobalStep}");
        }

        // Every replica starts from rank 0's weights (after a resume, all ranks read the same checkpoint anyway).
        ReplicaBroadcast.FromRoot(world, step.StatefulModules);
        Progress?.RunStarted(new TrainingRunStart(step.MethodName, schedule.Epochs, loader.BatchesPerEpoch, schedule.BatchSize, state.GlobalStep));

        var history = state.History.ToList();
        var earlier = history.Count > 0 ? history[^1].Elapsed : TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        var trainingTime = TimeSpan.Zero;
        var trainedSteps = 0L;
        var globalStep = state.GlobalStep;
        var best = state.BestTop1;
        for (var epoch = state.CompletedEpochs; epoch < schedule.Epochs; epoch++)
        {
            step.SetTraining(true);
            // Also for a resumed epoch: the step's epoch-dependent state is not in the checkpoint.
            step.BeginEpoch(epoch + 1);
            var resuming = epoch == state.CompletedEpochs;
            var sums = resuming ? new Dictionary<string, double>(state.EpochSums) : new Dictionary<string, double>();
            var skip = resuming ? state.StepInEpoch : 0;
            var batch = 0;
            var stepClock = Stopwatch.StartNew();
            // Not given the token: a cancellation is handled below, between two steps, where a checkpoint can be written
            // (leaving the loop disposes the prefetcher, which stops its producer).
            foreach (var (images, labels, indices) in BatchPrefetcher.Prefetch(loader.EpochWithIndices(epoch), depth: 2))
            {
                if (StopRequested(world, cancellation))
                {
                    // Stopped between two steps: the checkpoint holds the run up to here, so resume continues exactly (while a
                    // resumed epoch is still replaying its skipped batches, the checkpoint it started from already does).
                    if (batch >= skip) SaveLast(new CheckpointState(Fingerprint, epoch, batch, globalStep, best, history, sums), step, optimizer, ema);
                    throw new TrainingInterruptedException(step.MethodName, epoch + 1, globalStep, LastCheckpoint, cancellation);
                }
                // The loader hands over each batch; it is freed here, not left to the finalizer.
                using var batchImages = images;
                using var batchLabels = labels;
                using var batchIndices = indices;
                using var scope = NewDisposeScope();
                // A resumed epoch replays its data order and augmentation draws up to where it stopped.
                if (batch++ < skip)
                {
                    stepClock.Restart();
                    continue;
                }

                var stepStart = Stopwatch.GetTimestamp();
                var learningRate = lr.At(globalStep);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
                optimizer.zero_grad();
                var (inputs, targets) = Augment(images.to(target), labels.to(target), normalisation, train.ClassCount, epoch, batch);
                // Mixup and cutmix keep the image order, so each row's data-set index still holds.
                var output = step.Compute(ImageBatches.Resize(inputs, imageSize), targets, indices.to(target));
                // One host read per term per step: needed anyway for logging, and it stops a
                // diverging run before the optimizer writes NaNs into the weights.
                var values = new Dictionary<string, float>();
                // Under several ranks, the global batch's mean (every rank's slice is the same size), checked on every rank alike.
                var termValues = world.Size > 1 ? GlobalMeans(world, output) : null;
                for (var t = 0; t < output.Terms.Count; t++)
                {
                    var term = output.Terms[t];
                    var value = termValues?[t] ?? term.Value.item<float>();
                    if (!float.IsFinite(value)) throw new NonFiniteLossException(step.MethodName, epoch + 1, globalStep + 1, term.Name, value);
                    values[term.Name] = value;
                    sums[term.Name] = sums.GetValueOrDefault(term.Name) + value;
                }
                output.Total.backward();
                gradients?.Average();
                if (schedule.GradientClip > 0) nn.utils.clip_grad_norm_(parameters, schedule.GradientClip);
                optimizer.step();
                ema?.Update();
                OnStep?.Invoke(globalStep, values);
                globalStep++;
                trainingTime += Stopwatch.GetElapsedTime(stepStart);
                trainedSteps++;
                Platform.FaultInjection.Point("step");
                if (Progress is not null)
                {
                    var seconds = stepClock.Elapsed.TotalSeconds;
                    Progress.StepCompleted(new TrainingStepReport(step.MethodName, epoch + 1, globalStep, learningRate, termValues?[^1] ?? output.Total.item<float>(),
                        values, seconds > 0 ? images.shape[0] * world.Size / seconds : 0));
                    stepClock.Restart();
                }

                var stop = globalStep == StopAfterSteps;
                if (stop || (CheckpointEverySteps > 0 && globalStep % CheckpointEverySteps == 0))
                    SaveLast(new CheckpointState(Fingerprint, epoch, batch, globalStep, best, history, sums), step, optimizer, ema);
                if (stop)
                    return new TrainingResult(step.MethodName, history.Count > 0 ? history[^1].TestTop1 : 0, earlier + clock.Elapsed, history, Completed: false);
            }

            double top1;
            // Each rank normalised its own slices while training; all evaluate (and rank 0 saves) rank 0's running statistics.
            ReplicaBroadcast.FromRoot(world, step.StatefulModules, buffersOnly: true);
            using (ema?.SwapIn()) top1 = Evaluator.Top1(step.Student, test, schedule.BatchSize, imageSize, target);
            var means = sums.ToDictionary(kv => kv.Key, kv => kv.Value / Math.Max(1, batch));
            history.Add(new EpochReport(epoch + 1, means, top1, earlier + clock.Elapsed));
            Progress?.EpochCompleted(step.MethodName, history[^1]);
            var improved = top1 > best || history.Count == 1;
            best = Math.Max(best, top1);
            var epochEnd = new CheckpointState(Fingerprint, epoch + 1, 0, globalStep, best, history, new Dictionary<string, double>());
            SaveLast(epochEnd, step, optimizer, ema);
            if (improved && LastCheckpoint is not null && world.IsRoot) Platform.AtomicFile.Copy(LastCheckpoint, BestCheckpoint!);
            log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"[{step.MethodName}] epoch {epoch + 1}/{schedule.Epochs}  {string.Join("  ", means.Select(kv => $"{kv.Key} {kv.Value:F4}"))}  top-1 {top1:P2}  {(earlier + clock.Elapsed).TotalSeconds:F0}s"));
        }

        if (gradients is not null && trainedSteps > 0) log?.Invoke(DataParallelSummary(step.MethodName, world, schedule.BatchSize, gradients, trainingTime, trainedSteps));
        // With EMA the average is what was evaluated, so it is what the run keeps.
        ema?.CopyToModel();
        return new TrainingResult(step.MethodName, history.Count > 0 ? history[^1].TestTop1 : 0, earlier + clock.Elapsed, history);
    }

    /// <summary>
    /// Applies a recipe seeded by (seed, epoch, batch): every batch's draws are fixed, so a resumed run
    /// augments exactly as an uninterrupted one without replaying the batches it skips.
    /// </summary>
    private (Tensor Images, Tensor Targets) Augment(Tensor images, Tensor labels, FofaDsl.Augmentation.ChannelNormalisation? normalisation, int classes, int epoch, int batch)
    {
        if (normalisation is null) return (images, labels);
        // Not HashCode.Combine: it is randomised per process, and these seeds must repeat across runs.
        var batchSeed = (int)((((long)seed * 1_000_003 + epoch) * 1_000_033 + batch) & int.MaxValue);
        // Each rank's slice draws its own mixup partners and erasures (within the slice, as DDP's per-rank loaders do).
        if (World.Size > 1) batchSeed = (int)(((long)batchSeed * 1_000_037 + World.Rank) & int.MaxValue);
        var recipe = Augmentation == AugmentationKind.VitRecipe
            ? FofaDsl.Augmentation.AugmentationRecipe.VitCifar(classes, normalisation, imageSize, batchSeed)
            : FofaDsl.Augmentation.AugmentationRecipe.CnnCifar(classes, normalisation, imageSize, batchSeed);
        return recipe.Apply(images, labels);
    }

    private void SaveLast(CheckpointState state, ITrainingStep step, optim.Optimizer optimizer, ModelEma? ema)
    {
        if (LastCheckpoint is null) return;
        // Every rank hands over what it holds for its own slice of the batch (FOFA's feedback); the replicas' weights
        // are equal, so rank 0's checkpoint is every rank's.
        step.PrepareCheckpoint();
        if (World.IsRoot) TrainingCheckpoint.Save(LastCheckpoint, state, step, optimizer, ema);
    }

    /// <summary>
    /// Whether to stop before the next step: under several ranks, when any rank was asked to (a signal may reach one
    /// rank only), so that all stop at the same step.
    /// </summary>
    private static bool StopRequested(ICommunicator world, CancellationToken cancellation)
    {
        if (world.Size == 1) return cancellation.IsCancellationRequested;
        var flag = new[] { cancellation.IsCancellationRequested ? 1L : 0L };
        world.AllReduceMax(flag);
        return flag[0] != 0;
    }

    /// <summary>Each loss term, then the total, averaged over the ranks (one all-reduce).</summary>
    private static float[] GlobalMeans(ICommunicator world, StepOutput output)
    {
        var local = output.Terms.Select(t => (double)t.Value.item<float>()).Append(output.Total.item<float>()).ToArray();
        world.AllReduceSum(local);
        return local.Select(v => (float)(v / world.Size)).ToArray();
    }

    /// <summary>The line a data-parallel run ends with: what the gradient all-reduce cost against the step.</summary>
    private static string DataParallelSummary(string method, ICommunicator world, int batchSize, GradientAllReduce gradients, TimeSpan trainingTime, long steps)
    {
        var stepMs = trainingTime.TotalMilliseconds / steps;
        var reduceMs = gradients.Elapsed.TotalMilliseconds / Math.Max(1, gradients.Calls);
        return string.Create(CultureInfo.InvariantCulture,
            $"[{method}] data-parallel: {world.Size} ranks x {batchSize / world.Size} images; step {stepMs:F1} ms, gradient all-reduce {reduceMs:F2} ms ({reduceMs / stepMs:P1}), " +
            $"{gradients.BytesPerCall / 1e6:F2} MB per rank per step; {batchSize * steps / trainingTime.TotalSeconds:F1} images/s");
    }

    private optim.Optimizer CreateOptimizer(IEnumerable<TorchSharp.Modules.Parameter> parameters) => CreateOptimizer(schedule, parameters);

    /// <summary>
    /// The declared optimizer with timm's weight-decay handling: biases and other one-dimensional
    /// parameters (norm scales and shifts, layer scales, prompt betas) are not decayed.
    /// </summary>
    internal static optim.Optimizer CreateOptimizer(TrainingSchedule schedule, IEnumerable<TorchSharp.Modules.Parameter> parameters)
    {
        var all = parameters.ToList();
        var decayed = all.Where(p => p.dim() > 1).ToList();
        var undecayed = all.Where(p => p.dim() <= 1).ToList();
        return schedule.Optimizer switch
        {
            OptimizerKind.AdamW => optim.AdamW(new[]
            {
                new TorchSharp.Modules.AdamW.ParamGroup(decayed, schedule.LearningRate, 0.9, 0.999, 1e-8, schedule.WeightDecay, false, false),
                new TorchSharp.Modules.AdamW.ParamGroup(undecayed, schedule.LearningRate, 0.9, 0.999, 1e-8, 0, false, false),
            }, schedule.LearningRate, weight_decay: schedule.WeightDecay),
            OptimizerKind.Sgd => optim.SGD(new[]
            {
                new TorchSharp.Modules.SGD.ParamGroup(decayed, schedule.LearningRate, schedule.Momentum, 0, schedule.WeightDecay, false, false),
                new TorchSharp.Modules.SGD.ParamGroup(undecayed, schedule.LearningRate, schedule.Momentum, 0, 0, false, false),
            }, schedule.LearningRate, momentum: schedule.Momentum, weight_decay: schedule.WeightDecay),
            _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule.Optimizer, "Unknown optimizer."),
        };
    }
}
