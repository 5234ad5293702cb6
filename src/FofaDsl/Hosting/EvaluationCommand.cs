using FofaDsl.Backbones;
using FofaDsl.Data;
using FofaDsl.Methods.Fofa;
using FofaDsl.Reporting;
using FofaDsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Hosting;

/// <summary>
/// <c>eval</c>: top-1 (and top-5) of a checkpoint's or a weights file's student on the held-out split and,
/// on request, PNG heat maps of a FOFA student's region-aware attention (the paper's Figure 3).
/// </summary>
internal static class EvaluationCommand
{
    public static void Run(CommandContext context)
    {
        var (experiment, options, output) = (context.Experiment, context.Options, context.Output);
        if (options.Checkpoint is not null && options.Weights is not null)
            throw new UsageException("eval takes --checkpoint FILE or --weights FILE, not both.");
        if (options.Weights is not null && options.AttentionMaps > 0)
            throw new UsageException("--attention-maps needs --checkpoint: the region-aware attention's weights are in the training checkpoint, not in the student's weights.");

        var (train, test) = ExperimentData.Load(experiment.Data);
        if (options.Weights is { } weights)
        {
            torch.manual_seed(experiment.Seed);
            using var student = experiment.CreateStudent();
            ModelWeights.Load(student, weights);
            student.to(context.Device);
            var accuracy = Evaluator.TopOneAndFive(student, test, experiment.Schedule.BatchSize, experiment.Data.ImageSize, context.Device);
            output.WriteLine($"eval {weights} (student {experiment.StudentDescription}): {Describe(accuracy)}");
            return;
        }

        var path = options.Checkpoint ?? DefaultCheckpoint(context);
        using var restored = MethodCheckpoint.Restore(context, path, options.Method, train.Count);
        // Refused before the evaluation, so a wrong request costs nothing.
        var fofa = options.AttentionMaps > 0 ? RegionAttentionOf(restored) : null;
        var result = Evaluator.TopOneAndFive(restored.Step.Student, test, experiment.Schedule.BatchSize, experiment.Data.ImageSize, context.Device);
        output.WriteLine($"eval {restored.Method} from {path} (epoch {restored.State.CompletedEpochs}, step {restored.State.GlobalStep}): {Describe(result)}");
        if (fofa is not null) WriteAttentionMaps(context, restored.Method, restored.Step.Student, fofa, test, options.AttentionMaps);
    }

    /// <summary>
    /// <c>&lt;out&gt;/checkpoints/&lt;method&gt;/best.ckpt</c> of <c>--method</c>, else of the last method the run in
    /// <c>--out</c> trained (its <c>manifest.json</c>), else of the last declared method.
    /// </summary>
    internal static string DefaultCheckpoint(CommandContext context)
    {
        var method = context.Options.Method ?? LastTrainedMethod(context) ?? context.Experiment.Methods[^1].Name;
        return Path.Combine(context.OutputDirectory, "checkpoints", method, "best.ckpt");
    }

    /// <summary>The last method of the manifest in <c>--out</c>, or null when there is none or it cannot be read.</summary>
    private static string? LastTrainedMethod(CommandContext context)
    {
        try
        {
            return RunRecord.Read(context.OutputDirectory, context.Experiment)?.Methods?[^1];
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Describe(HeldOutAccuracy accuracy) =>
        TrainingCommand.Percent("top-1", accuracy.Top1) + (accuracy.Top5 is { } top5 ? "  " + TrainingCommand.Percent("top-5", top5) : "") +
        $" on {accuracy.Images} held-out images";

    private static FofaModules RegionAttentionOf(RestoredStep restored)
    {
        var fofa = restored.Step.StatefulModules.OfType<FofaModules>().FirstOrDefault();
        if (fofa is null)
            throw new UsageException($"--attention-maps draws the region-aware attention of a FOFA student; method '{restored.Method}' has none. Pass a FOFA checkpoint (e.g. checkpoints/fofa/best.ckpt).");
        if (!fofa.Options.UseRegionAwareAttention)
            throw new UsageException($"--attention-maps: method '{restored.Method}' is declared without region-aware attention ([Fofa(RegionAwareAttention = false)]), so it has no attention to draw.");
        return fofa;
    }

    private static void WriteAttentionMaps(CommandContext context, string method, StagedBackbone student, FofaModules fofa, ImageDataset test, int count)
    {
        count = Math.Min(count, test.Count);
        var folder = Path.Combine(context.OutputDirectory, "attention");
        var loader = new BatchLoader(test.Take(count), BatchLoaderOptions.Evaluation(context.Experiment.Schedule.BatchSize));
        var index = 0;
        foreach (var (images, labels) in loader.Epoch(0))
        {
            using var batchImages = images;
            using var batchLabels = labels;
            using var scope = NewDisposeScope();
            var input = ImageBatches.Resize(images.to(context.Device), context.Experiment.Data.ImageSize);
            using var maps = fofa.RegionAttentionFor(student, input)!;
            for (var i = 0; i < maps.Images; i++, index++)
                RegionAttentionFigure.Save(Path.Combine(folder, $"{method}-{index:D3}.png"), input[i], maps.Matrix(i), maps.StageKeyMaps(i));
        }
        context.Output.WriteLine($"attention maps of the first {count} held-out images: {folder}{Path.DirectorySeparatorChar}{method}-000.png ... " +
                                 "(each: the query-by-key matrix with stage lines, then the attention each stage's regions receive, over the image)");
    }
}
