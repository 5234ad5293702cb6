namespace FofaDsl.Data;

/// <summary>
/// The contents of one IDX file: its dimensions (for example <c>[count, rows, columns]</c> for
/// images, <c>[count]</c> for labels) and its unsigned-byte data in row-major order.
/// </summary>
public sealed class IdxArray
{
    private readonly int[] dimensions;

    internal IdxArray(string source, int[] dimensions, byte[] data)
    {
        Source = source;
        this.dimensions = dimensions;
        Buffer = data;
    }

    /// <summary>The file path or stream name the array was read from; error messages use it.</summary>
    public string Source { get; }

    /// <summary>The dimensions in file order, outermost first.</summary>
    public IReadOnlyList<int> Dimensions => dimensions;

    /// <summary>The elements in row-major order.</summary>
    public ReadOnlySpan<byte> Data => Buffer;

    /// <summary>The backing array, handed to <see cref="ImageDataset"/> without a copy.</summary>
    internal byte[] Buffer { get; }
}
