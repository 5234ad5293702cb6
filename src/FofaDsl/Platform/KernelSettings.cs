namespace FofaDsl.Platform;

/// <summary>The native kernel settings in force in this process.</summary>
/// <param name="OneDnnConvolutions">Whether libtorch may run float32 convolutions on oneDNN (false once <see cref="TorchRuntime.Configure"/> switched it off).</param>
/// <param name="NotApplied">Why the switch could not be made, or null.</param>
public sealed record KernelSettings(bool OneDnnConvolutions, string? NotApplied)
{
    /// <summary>One phrase for logs and the manifest.</summary>
    public override string ToString() => OneDnnConvolutions
        ? $"convolutions on oneDNN (the workaround could not be applied: {NotApplied})"
        : "convolutions on ATen im2col + BLAS (oneDNN convolutions off: its float32 kernels are wrong on some CPUs)";
}
