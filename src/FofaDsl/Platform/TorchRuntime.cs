using TorchSharp;

namespace FofaDsl.Platform;

/// <summary>
/// Process-wide settings of the native runtime that FofaDsl's numbers depend on, applied once before any tensor work:
/// every FofaDsl entry point (and the assembly's module initializer) calls <see cref="Configure"/>, so a generated
/// program, an example, a bench or a test needs nothing set by hand.
/// </summary>
/// <remarks>
/// <para><b>Convolutions never run on oneDNN.</b> The oneDNN 3.7.1 inside TorchSharp 0.107's libtorch 2.10 returns NaN or
/// wrong float32 convolutions on some CPUs (seen on AMD family 26 with AVX-512: channel counts 20, 24, 40, 56, 72 at kernel 3
/// and 5, and still for some with its ISA capped at AVX2), while the same CPUs compute ATen's own im2col + BLAS
/// convolutions right (that path also serves float64, and BLAS serves every linear layer). The switch is unconditional:
/// the path an affected CPU runs is the path every test runs on every machine. It costs speed on CPUs without the defect;
/// <c>./build.sh bench conv</c> measures how much.</para>
/// <para>What cannot be switched is checked instead: <see cref="ConvolutionProbe"/> compares the experiment's own
/// convolution shapes in float32 against float64 before a run starts.</para>
/// </remarks>
public static class TorchRuntime
{
    private static readonly Lock Gate = new();
    private static KernelSettings? settings;

    /// <summary>Loads libtorch and applies the settings (idempotent, thread-safe); returns what is in force.</summary>
    /// <exception cref="TorchRuntimeException">TorchSharp's native library cannot be loaded; the message says how to get it.</exception>
    public static KernelSettings Configure()
    {
        lock (Gate)
        {
            if (settings is not null) return settings;
            LoadNativeLibrary();
            settings = SwitchOffOneDnnConvolutions();
            return settings;
        }
    }

    /// <summary>
    /// The CPU threads a generated program computes with unless <c>--threads</c> says otherwise: half the cores this process
    /// may use, at least one. libtorch's OpenMP threads spin while they wait, so two runs that each take every core slow each
    /// other down about fifteen-fold (<c>./build.sh bench contention</c>: 47 against 698 images/s on 2 cores), while runs of
    /// half the cores share a machine at full speed; alone, a run loses little (its small kernels scale poorly anyway).
    /// </summary>
    public static int DefaultThreads => Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>What <see cref="Configure"/> put in force (configuring first if nothing has yet).</summary>
    public static KernelSettings Settings => settings ?? Configure();

    private static void LoadNativeLibrary()
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
        }
        catch (Exception e) when (e is NotSupportedException or DllNotFoundException or TypeInitializationException or BadImageFormatException)
        {
            // The advice first: TorchSharp's own message can run to a page of load trace.
            throw new TorchRuntimeException(
                "TorchSharp's native library (libtorch) could not be loaded. " +
                "An application that uses FofaDsl references one native bundle: TorchSharp-cpu, or TorchSharp-cuda-linux for NVIDIA GPUs. " +
                "On Debian 12, libtorch 2.10 also needs libstdc++ with GLIBCXX_3.4.32 (run eng/prerequisites.sh, or install libstdc++6 from Debian 13). " +
                "TorchSharp says: " + e.GetBaseException().Message.Trim(), e);
        }
    }

    private static KernelSettings SwitchOffOneDnnConvolutions()
    {
        try
        {
            var enabled = LibTorchContext.SetOneDnnEnabled(false);
            return new KernelSettings(OneDnnConvolutions: enabled, enabled ? "libtorch kept oneDNN on" : null);
        }
        catch (Exception e) when (e is InvalidOperationException or EntryPointNotFoundException or DllNotFoundException)
        {
            // Only the self-check stands between a defective CPU and the run now; it names this reason when it fails.
            return new KernelSettings(OneDnnConvolutions: true, e.Message);
        }
    }
}
