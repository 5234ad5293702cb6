using FofaDsl.Examples;
using FofaDsl.Methods.Kd;
using FofaDsl.Methods;
using FofaDsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Benchmarks;

/// <summary>The quickstart's four training steps at its batch size, and the time of one optimizer step of each.</summary>
internal static class QuickstartSteps
{
    public const int Batch = Quickstart.Spec.BatchSize;

    public static IReadOnlyList<(string Name, Func<ITrainingStep> Create)> All
    {
        get
        {
            var weights = Quickstart.CreateLossWeights();
            return
            [
                ("teacher, supervised", () => DistillationStep.Supervised(Quickstart.CreateTeacher(), weights.LabelSmoothing, "Supervised")),
                ("student, scratch", () => DistillationStep.Supervised(Quickstart.CreateStudent(), weights.LabelSmoothing)),
                ("student, logit KD", () => new DistillationStep("Logit KD", Quickstart.CreateTeacher(), Quickstart.CreateStudent(), weights,
                    [new KdTerm(new KdOptions { Weight = weights.LogitKd, Temperature = weights.Temperature })])),
                ("student, FOFA", () => Quickstart.Definition.FindMethod("fofa")!.CreateStep(new(Quickstart.CreateTeacher(), Quickstart.CreateStudent(), 0))),
            ];
        }
    }

    /// <summary>A step ready to time: seeded, on the device, in training mode, with its optimizer and one random batch.</summary>
    public static Action Prepare(Func<ITrainingStep> create, Device device)
    {
        torch.manual_seed(0);
        var step = create();
        step.MoveTo(device);
        step.SetTraining(true);
        var optimizer = optim.AdamW(step.TrainableParameters(), 1e-4);
        var images = randn(Batch, Quickstart.Spec.InputChannels, Quickstart.Spec.ImageSize, Quickstart.Spec.ImageSize, device: device);
        var labels = randint(0, Quickstart.Spec.Classes, Batch, device: device);
        return () =>
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            step.Compute(images, labels).Total.backward();
            optimizer.step();
            if (device.type == DeviceType.CUDA) cuda.synchronize();
        };
    }
}
