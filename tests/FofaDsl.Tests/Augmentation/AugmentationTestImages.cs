using static TorchSharp.torch;

namespace FofaDsl.Tests.Augmentation;

/// <summary>Small hand-made images in byte units and back.</summary>
internal static class AugmentationTestImages
{
    /// <summary>A [1, 1, H, W] image in [0, 1] whose pixel (y, x) is <paramref name="bytes"/>[y, x] / 255.</summary>
    public static Tensor FromBytes(int[,] bytes)
    {
        int height = bytes.GetLength(0), width = bytes.GetLength(1);
        var values = new float[height * width];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            values[y * width + x] = bytes[y, x] / 255f;
        return tensor(values, [1, 1, height, width]);
    }

    /// <summary>Channel <paramref name="channel"/> of image <paramref name="index"/> as bytes, round(255 x).</summary>
    public static int[,] ToBytes(Tensor images, int index = 0, int channel = 0)
    {
        int height = (int)images.shape[2], width = (int)images.shape[3];
        using var plane = (images[index, channel] * 255f).round().to(ScalarType.Int32).contiguous();
        var flat = plane.data<int>().ToArray();
        var result = new int[height, width];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            result[y, x] = flat[y * width + x];
        return result;
    }

    /// <summary>An 8x8 ramp: pixel (y, x) is 4 (8 y + x), 0 to 252.</summary>
    public static int[,] Ramp8()
    {
        var bytes = new int[8, 8];
        for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++)
            bytes[y, x] = 4 * (8 * y + x);
        return bytes;
    }

    /// <summary>Element-wise map of a byte plane.</summary>
    public static int[,] Map(int[,] bytes, Func<int, int, int, int> f)
    {
        int height = bytes.GetLength(0), width = bytes.GetLength(1);
        var result = new int[height, width];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            result[y, x] = f(bytes[y, x], y, x);
        return result;
    }

    /// <summary>A [B, C, H, W] batch of uniform [0, 1) values from a fixed seed.</summary>
    public static Tensor RandomUnit(long batch, long channels, long height, long width, int seed = 7)
    {
        manual_seed(seed);
        return rand(batch, channels, height, width);
    }

    /// <summary>Whether two float tensors have the same shape and exactly the same values.</summary>
    public static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && Values(a).SequenceEqual(Values(b));

    /// <summary>All float values of a tensor, row-major.</summary>
    public static float[] Values(Tensor t)
    {
        using var c = t.contiguous();
        return c.data<float>().ToArray();
    }
}
