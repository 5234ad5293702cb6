using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Distributed;

/// <summary>
/// Makes every rank's replica hold rank 0's floating-point weights and buffers. The same seed builds the same
/// models on every rank already; this guards against anything that drew differently, and gives the ranks one set
/// of BatchNorm running statistics (each rank normalises its own batch while training, as DDP does).
/// </summary>
internal static class ReplicaBroadcast
{
    /// <summary>Copies rank 0's float32 parameters and buffers of <paramref name="modules"/> into every rank's.</summary>
    public static void FromRoot(ICommunicator world, IEnumerable<nn.Module> modules, bool buffersOnly = false)
    {
        if (world.Size <= 1) return;
        var tensors = new List<Tensor>();
        foreach (var module in modules)
        {
            if (!buffersOnly) tensors.AddRange(module.parameters());
            tensors.AddRange(module.buffers());
        }
        tensors = tensors.Where(t => t.dtype == ScalarType.Float32).ToList();
        if (tensors.Count == 0) return;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var flat = cat(tensors.Select(t => t.detach().reshape(-1).to(CPU)).ToList(), 0).contiguous();
        var buffer = new float[checked((int)flat.numel())];
        flat.data<float>().CopyTo(buffer);
        world.Broadcast(buffer, buffer.Length, root: 0);
        flat.data<float>().CopyFrom(buffer);
        long offset = 0;
        foreach (var tensor in tensors)
        {
            var n = tensor.numel();
            tensor.copy_(flat.narrow(0, offset, n).view_as(tensor));
            offset += n;
        }
    }
}
