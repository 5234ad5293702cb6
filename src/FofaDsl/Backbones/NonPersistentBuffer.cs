using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// TorchSharp 0.107 leaves buffers registered with <c>persistent: false</c> out of
/// <c>named_buffers</c>, so <c>Module.to</c> never moves or converts them. Modules holding such
/// buffers override <c>_toEpilog</c> and pass each one through <see cref="Follow"/>.
/// </summary>
internal static class NonPersistentBuffer
{
    /// <summary>
    /// <paramref name="buffer"/> on <paramref name="device"/> (when given) and, for floating-point
    /// buffers, in <paramref name="dtype"/> (when given), as <c>Module.to</c> treats buffers. The
    /// old tensor is disposed and the new one detached from any dispose scope.
    /// </summary>
    public static Tensor Follow(Tensor buffer, ScalarType? dtype, Device? device)
    {
        var type = dtype is not null && (buffer.is_floating_point() || buffer.is_complex()) ? dtype.Value : buffer.dtype;
        return buffer.to(type, device ?? buffer.device, disposeAfter: true).DetachFromDisposeScope();
    }
}
