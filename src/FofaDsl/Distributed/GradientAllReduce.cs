using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace FofaDsl.Distributed;

/// <summary>
/// Averages the gradients of a replica's parameters over every rank after each backward pass, as PyTorch's
/// DistributedDataParallel does: the gradients are flattened into a few contiguous buckets (at most
/// <see cref="BucketElements"/> floats each), each bucket is summed across ranks with one MPI_Allreduce and divided
/// by the number of ranks. With equal per-rank batches the result is the gradient of the global batch's mean loss.
/// </summary>
internal sealed class GradientAllReduce(ICommunicator world, IReadOnlyList<Parameter> parameters)
{
    /// <summary>Floats per bucket: 64 MiB, few calls for any preset and a bounded host buffer.</summary>
    public const int BucketElements = 16 << 20;

    private readonly Stopwatch clock = new();
    private float[] buffer = [];

    /// <summary>Time spent in <see cref="Average"/> so far (copies and all-reduce).</summary>
    public TimeSpan Elapsed => clock.Elapsed;

    /// <summary>Calls of <see cref="Average"/> so far.</summary>
    public long Calls { get; private set; }

    /// <summary>Bytes each rank sent into the all-reduce at the last call.</summary>
    public long BytesPerCall { get; private set; }

    /// <summary>Replaces every parameter's gradient by its mean over all ranks; parameters without a gradient (on every rank alike) are skipped.</summary>
    public void Average()
    {
        clock.Start();
        var gradients = parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!).ToList();
        long bytes = 0;
        foreach (var bucket in Buckets(gradients))
        {
            AverageBucket(bucket);
            bytes += bucket.Sum(g => g.numel()) * sizeof(float);
        }
        BytesPerCall = bytes;
        Calls++;
        clock.Stop();
    }

    private static IEnumerable<List<Tensor>> Buckets(List<Tensor> gradients)
    {
        var bucket = new List<Tensor>();
        long size = 0;
        foreach (var gradient in gradients)
        {
            if (gradient.dtype != ScalarType.Float32)
                throw new NotSupportedException($"Data-parallel training averages float32 gradients; a parameter's gradient is {gradient.dtype}.");
            if (bucket.Count > 0 && size + gradient.numel() > BucketElements)
            {
                yield return bucket;
                bucket = [];
                size = 0;
            }
            bucket.Add(gradient);
            size += gradient.numel();
        }
        if (bucket.Count > 0) yield return bucket;
    }

    private void AverageBucket(List<Tensor> bucket)
    {
        using var scope = NewDisposeScope();
        // One contiguous host copy: MPI reads and writes plain memory, and the host is where a CPU run's gradients are.
        var flat = cat(bucket.Select(g => g.detach().reshape(-1)).ToList(), 0).to(CPU).contiguous();
        var count = checked((int)flat.numel());
        if (buffer.Length < count) buffer = new float[Math.Max(count, buffer.Length * 2)];
        flat.data<float>().CopyTo(buffer);
        world.AllReduceSum(buffer, count);
        flat.data<float>().CopyFrom(buffer);
        flat.div_(world.Size);
        long offset = 0;
        foreach (var gradient in bucket)
        {
            var n = gradient.numel();
            gradient.copy_(flat.narrow(0, offset, n).view_as(gradient));
            offset += n;
        }
    }
}
