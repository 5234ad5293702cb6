using static TorchSharp.torch;

namespace FofaDsl.Weights;

/// <summary>Writes and reads float32 tensors of any shape (shape, then values) for checkpoints.</summary>
public static class TensorIO
{
    /// <summary>Writes a presence flag, then the tensor when present.</summary>
    public static void WriteOptional(BinaryWriter writer, Tensor? tensor)
    {
        writer.Write(tensor is not null);
        if (tensor is not null) Write(writer, tensor);
    }

    /// <summary>Reads what <see cref="WriteOptional"/> wrote; a CPU tensor or null.</summary>
    public static Tensor? ReadOptional(BinaryReader reader) => reader.ReadBoolean() ? Read(reader) : null;

    /// <summary>Writes the shape and the float32 values of <paramref name="tensor"/>.</summary>
    public static void Write(BinaryWriter writer, Tensor tensor)
    {
        using var values = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
        writer.Write(values.shape.Length);
        foreach (var size in values.shape) writer.Write(size);
        foreach (var value in values.data<float>()) writer.Write(value);
    }

    /// <summary>Reads a tensor written by <see cref="Write"/>, on the CPU.</summary>
    public static Tensor Read(BinaryReader reader)
    {
        var rank = reader.ReadInt32();
        if (rank is < 0 or > 8) throw new InvalidDataException($"A tensor of rank {rank} in a checkpoint: the file is corrupt.");
        var shape = new long[rank];
        for (var i = 0; i < rank; i++) shape[i] = reader.ReadInt64();
        var count = shape.Aggregate(1L, (a, b) => a * b);
        var values = new float[count];
        for (var i = 0; i < count; i++) values[i] = reader.ReadSingle();
        return tensor(values, shape);
    }
}
