using System.Runtime.CompilerServices;

namespace FofaDsl.Platform;

internal static class ModuleInitializer
{
    /// <summary>
    /// Configures the native runtime when FofaDsl is first touched, so that code using FofaDsl's models directly (a bench,
    /// a notebook, a test) computes with the same kernels as a generated program. A failure is left for the first explicit
    /// <see cref="TorchRuntime.Configure"/> call to report: an exception here would surface as a type-initialisation error.
    /// </summary>
    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "The kernel switch must precede every convolution, including those of library users that never call an entry point.")]
    internal static void ConfigureTorch()
    {
        try
        {
            TorchRuntime.Configure();
        }
        catch (TorchRuntimeException)
        {
        }
    }
}
