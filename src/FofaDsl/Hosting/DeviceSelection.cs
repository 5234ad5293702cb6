using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Hosting;

/// <summary>Turns <c>--device auto|cpu|cuda[:N]</c> into a TorchSharp device and sets the CUDA math defaults.</summary>
public static class DeviceSelection
{
    /// <summary>
    /// <c>auto</c> picks CUDA when TorchSharp can see a GPU, else the CPU; <c>cuda</c> or <c>cuda:N</c>
    /// without a visible GPU is an error that says how to get one (a CUDA build of FofaDsl).
    /// </summary>
    public static Device Resolve(string specification)
    {
        var text = specification.Trim().ToLowerInvariant();
        if (text == "auto") return !cuda.is_available() ? CPU : Distributed.Communicator.World.Size > 1 ? Resolve("cuda") : CUDA;
        if (text == "cpu") return CPU;
        if (text == "cuda" || text.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!cuda.is_available())
                throw new ArgumentException($"--device {specification}: TorchSharp sees no CUDA device. This build uses the CPU backend; " +
                                            "rebuild with TORCH_BACKEND=cuda (TorchSharp-cuda-linux, from a NuGet feed that serves it) on a machine with an NVIDIA driver, or use --device cpu.");
            // Under several ranks, plain cuda is each rank's own GPU, by its rank on the machine.
            var index = Distributed.Communicator.World.LocalRank % cuda.device_count();
            if (text.Length > 4 && (!int.TryParse(text.AsSpan(5), out index) || index < 0 || index >= cuda.device_count()))
                throw new ArgumentException($"--device {specification}: there are {cuda.device_count()} CUDA devices (cuda:0 .. cuda:{cuda.device_count() - 1}).");
            return new Device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"--device {specification}: use auto, cpu, cuda or cuda:N.");
    }

    /// <summary>TF32 matrix multiplication and convolutions on CUDA (on by default, as in PyTorch's convolution default); no effect on the CPU.</summary>
    public static void ConfigureMath(Device device, bool allowTf32)
    {
        if (device.type != DeviceType.CUDA) return;
        backends.cuda.matmul.allow_tf32 = allowTf32;
        backends.cudnn.allow_tf32 = allowTf32;
    }
}
