using FofaDsl.Data;
using FofaDsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Hosting;

/// <summary><c>check</c>: builds every selected method's graph, prints each model's stage shapes and runs one step of each on a few images.</summary>
internal static class CheckCommand
{
    public static void Run(CommandContext context)
    {
        var (experiment, options, device, output) = (context.Experiment, context.Options, context.Device, context.Output);
        torch.manual_seed(experiment.Seed);
        var teacher = experiment.CreateTeacher?.Invoke();
        var student = experiment.CreateStudent();
        var (_, test) = ExperimentData.Load(experiment.Data with { TrainLimit = 0 });
        var batch = Math.Min(4, test.Count);
        var loader = new BatchLoader(test.BalancedSubset(batch), BatchLoaderOptions.Evaluation(batch));
        var (images, labels) = loader.Epoch(0).First();
        images = ImageBatches.Resize(images.to(device), experiment.Data.ImageSize);
        labels = labels.to(device);

        foreach (var (role, model) in new[] { ("teacher", teacher), ("student", student) })
        {
            if (model is null) continue;
            model.to(device);
            output.WriteLine($"{role} {model.GetName()}: {model.parameters().Sum(p => p.numel()):N0} parameters");
            using (no_grad())
            {
                var (_, stages) = model.ForwardWithStages(images);
                for (var i = 0; i < 4; i++)
                    output.WriteLine($"  stage {i + 1}: declared {model.StageGeometries[i]}, actual [{string.Join(", ", stages[i].shape)}]");
            }
        }
        foreach (var method in options.SelectMethods(experiment))
        {
            torch.manual_seed(experiment.Seed);
            var step = method.CreateStep(new MethodContext(method.NeedsTeacher ? teacher : null, experiment.CreateStudent(), test.Count));
            step.MoveTo(device);
            step.SetTraining(true);
            // Stand-in dataset indices for methods with a per-sample memory (CRD): the check batch is the first images.
            var result = step.Compute(images, labels, arange(images.shape[0], dtype: ScalarType.Int64, device: device));
            result.Total.backward();
            output.WriteLine($"{step.MethodName}: {step.TrainableParameters().Sum(p => p.numel()):N0} trainable parameters");
            foreach (var term in result.Terms) output.WriteLine($"  {term.Name}: {term.Value.item<float>():F4}");
            if (!float.IsFinite(result.Total.item<float>())) throw new NonFiniteLossException(step.MethodName, 1, 1, "total", result.Total.item<float>());
        }
        output.WriteLine("check passed");
    }
}
