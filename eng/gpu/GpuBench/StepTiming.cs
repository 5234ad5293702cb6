using System.Diagnostics;
using FofaDsl.Methods;
using FofaDsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.GpuBench;

/// <summary>Mean wall time of one training step (forward, backward, AdamW) over a block of timed steps.</summary>
internal static class StepTiming
{
    /// <summary>
    /// Runs <paramref name="warmup"/> untimed steps, then times <paramref name="steps"/> steps as one block
    /// between two device synchronisations, as a training loop runs them (no synchronisation per step).
    /// The learning rate and AdamW's defaults match eng/gpu/eager_reference.py.
    /// </summary>
    public static TimeSpan MeanStep(ITrainingStep step, Tensor images, Tensor labels, Device device, int warmup, int steps)
    {
        using var optimizer = optim.AdamW(step.TrainableParameters(), lr: 1e-4);
        void One()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            step.Compute(images, labels).Total.backward();
            optimizer.step();
        }

        for (var i = 0; i < warmup; i++) One();
        Synchronize(device);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++) One();
        Synchronize(device);
        return clock.Elapsed / steps;
    }

    /// <summary>Waits for the GPU's queued work; a no-op on the CPU.</summary>
    public static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize(device);
    }
}
