using System.Runtime.CompilerServices;
using FofaDsl.Platform;

namespace FofaDsl.Tests;

internal static class TorchRuntimeInitializer
{
    /// <summary>
    /// Tests that build TorchSharp layers before touching a FofaDsl type compute with the product's kernels too, so every
    /// test runs the path an affected CPU runs (FofaDsl's own module initializer covers the rest).
    /// </summary>
    [ModuleInitializer]
    internal static void Configure() => TorchRuntime.Configure();
}
