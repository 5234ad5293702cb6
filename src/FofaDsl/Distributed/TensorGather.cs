using static TorchSharp.torch;

namespace FofaDsl.Distributed;

/// <summary>
/// Per-sample state across ranks: each rank holds the rows of its slice of the global batch, and these give every rank
/// the whole global batch's rows (in rank order, the global batch's order) or take a rank's slice back out of them.
/// </summary>
internal static class TensorGather
{
    /// <summary>Every rank's rows of <paramref name="local"/> stacked in rank order: <c>[rows x ranks, ...]</c>, on every rank.</summary>
    public static Tensor Rows(Tensor local, ICommunicator world)
    {
        var send = local.detach().to(CPU).to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        var receive = new float[send.Length * world.Size];
        world.AllGather(send, receive);
        long[] shape = [local.shape[0] * world.Size, .. local.shape.Skip(1)];
        return tensor(receive, shape).to_type(local.dtype).to(local.device);
    }

    /// <summary>Every rank's indices stacked in rank order, on every rank.</summary>
    public static Tensor Indices(Tensor local, ICommunicator world)
    {
        var send = local.to(CPU).to_type(ScalarType.Int64).data<long>().ToArray();
        var receive = new long[send.Length * world.Size];
        world.AllGather(send, receive);
        return tensor(receive).to(local.device);
    }

    /// <summary>This rank's slice of the global rows <paramref name="global"/> (all of them in a single process).</summary>
    public static Tensor Slice(Tensor global, ICommunicator world)
    {
        if (world.Size <= 1 || global.shape[0] % world.Size != 0) return global;
        var rows = global.shape[0] / world.Size;
        return global.narrow(0, world.Rank * rows, rows);
    }
}
