using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace FofaDsl.Augmentation;

/// <summary>
/// The RandAugment operations on a batch of <c>[N, C, H, W]</c> float images in <c>[0, 1]</c>,
/// each image with its own argument, written with torch ops to follow PIL (which timm uses) on
/// 8-bit images: inputs are rounded to the 8-bit grid (<c>round(255 x)</c>), outputs lie on it.
/// Blends truncate to a byte as PIL's <c>Image.blend</c> does; bilinear resampling and the
/// smoothing filter round. Geometric ops sample bilinearly with PIL's pixel-centre convention and
/// fill output pixels whose source lies outside the image with the fill colour.
/// Equalize and AutoContrast are exact per channel (PIL's histogram LUTs, built with scatter/gather).
/// </summary>
public static class RandAugmentOps
{
    /// <summary>
    /// Applies <paramref name="op"/> to every image of <paramref name="unitImages"/>, image <c>i</c>
    /// with argument <paramref name="arguments"/>[i] (see <see cref="RandAugmentLevels.Argument"/>;
    /// ignored by AutoContrast, Equalize and Invert). <paramref name="fill"/> is the per-channel
    /// colour in <c>[0, 1]</c> for pixels uncovered by a geometric op. Returns a new tensor.
    /// </summary>
    /// <exception cref="ArgumentException">The images are not <c>[N, C, H, W]</c>, or the argument or fill counts do not match.</exception>
    public static Tensor Apply(RandAugmentOp op, Tensor unitImages, IReadOnlyList<double> arguments, IReadOnlyList<float> fill)
    {
        ArgumentNullException.ThrowIfNull(unitImages);
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(fill);
        if (unitImages.dim() != 4)
            throw new ArgumentException($"Expected [N, C, H, W] images; got [{string.Join(", ", unitImages.shape)}].", nameof(unitImages));
        if (arguments.Count != unitImages.shape[0])
            throw new ArgumentException($"Need one argument per image: {unitImages.shape[0]} images, {arguments.Count} arguments.", nameof(arguments));
        if (fill.Count != unitImages.shape[1])
            throw new ArgumentException($"Need one fill value per channel: {unitImages.shape[1]} channels, {fill.Count} values.", nameof(fill));

        using var scope = NewDisposeScope();
        var bytes = ToBytes(unitImages);
        var result = op switch
        {
            RandAugmentOp.AutoContrast => AutoContrast(bytes),
            RandAugmentOp.Equalize => Equalize(bytes),
            RandAugmentOp.Invert => 255.0 - bytes,
            RandAugmentOp.Rotate => Affine(bytes, arguments, fill, RotationMatrix),
            RandAugmentOp.Posterize => Posterize(bytes, arguments),
            RandAugmentOp.Solarize => where(bytes >= PerImage(arguments, bytes), 255.0 - bytes, bytes),
            RandAugmentOp.SolarizeAdd => where(bytes < 128.0, (bytes + PerImage(arguments, bytes)).clamp_max(255.0), bytes),
            RandAugmentOp.Color => Blend(Grey(bytes).expand_as(bytes), bytes, arguments),
            RandAugmentOp.Contrast => Blend(MeanGrey(bytes), bytes, arguments),
            RandAugmentOp.Brightness => Blend(zeros_like(bytes), bytes, arguments),
            RandAugmentOp.Sharpness => Blend(Smooth(bytes), bytes, arguments),
            RandAugmentOp.ShearX => Affine(bytes, arguments, fill, (f, h, w) => [1, f * h / w, f * h / w, 0, 1, 0]),
            RandAugmentOp.ShearY => Affine(bytes, arguments, fill, (f, h, w) => [1, 0, 0, f * w / h, 1, f * w / h]),
            RandAugmentOp.TranslateXRel => Affine(bytes, arguments, fill, (p, _, _) => [1, 0, 2 * p, 0, 1, 0]),
            RandAugmentOp.TranslateYRel => Affine(bytes, arguments, fill, (p, _, _) => [1, 0, 0, 0, 1, 2 * p]),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown RandAugment op."),
        };
        return (result / 255.0).MoveToOuterDisposeScope();
    }

    /// <summary>Pixels in byte units: <c>round(255 * clamp(x, 0, 1))</c>, still float.</summary>
    internal static Tensor ToBytes(Tensor unitImages) => (unitImages.clamp(0.0, 1.0) * 255.0).round();

    private static Tensor PerImage(IReadOnlyList<double> values, Tensor like) =>
        tensor(values.Select(v => (float)v).ToArray(), [values.Count, 1, 1, 1]).to(like.dtype, like.device);

    // PIL's Image.blend(degenerate, image, f): degenerate + f (image - degenerate), clipped and truncated to a byte.
    private static Tensor Blend(Tensor degenerate, Tensor bytes, IReadOnlyList<double> factors) =>
        (degenerate + PerImage(factors, bytes) * (bytes - degenerate)).clamp(0.0, 255.0).floor();

    // PIL's "L" conversion, (19595 R + 38470 G + 7471 B + 2^15) >> 16: every term stays below 2^24, exact in float32.
    private static Tensor Grey(Tensor bytes)
    {
        long channels = bytes.shape[1];
        if (channels == 1)
            return bytes;
        if (channels != 3)
            return bytes.mean([1], keepdim: true).round();
        var weights = tensor(new float[] { 19595, 38470, 7471 }, [1, 3, 1, 1]).to(bytes.dtype, bytes.device);
        return ((bytes * weights).sum(1, keepdim: true) + 32768.0).div(65536.0).floor();
    }

    // ImageEnhance.Contrast blends with a flat image at int(mean of the grey image + 0.5).
    private static Tensor MeanGrey(Tensor bytes) => (Grey(bytes).mean([1, 2, 3], keepdim: true) + 0.5).floor();

    // ImageFilter.SMOOTH: [[1,1,1],[1,5,1],[1,1,1]] / 13 on the interior; PIL leaves the border pixels as they are.
    private static Tensor Smooth(Tensor bytes)
    {
        long channels = bytes.shape[1], height = bytes.shape[2], width = bytes.shape[3];
        if (height < 3 || width < 3)
            return bytes;
        var kernel = tensor(new float[] { 1, 1, 1, 1, 5, 1, 1, 1, 1 }, [1, 1, 3, 3]).to(bytes.dtype, bytes.device) / 13.0;
        var interior = conv2d(bytes, kernel.expand(channels, 1, 3, 3), groups: channels).round();
        var smoothed = bytes.clone();
        smoothed[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(1, height - 1), TensorIndex.Slice(1, width - 1)] = interior;
        return smoothed;
    }

    private static Tensor Posterize(Tensor bytes, IReadOnlyList<double> bits)
    {
        // Keeping k bits zeroes the low 8 - k: floor(p / 2^(8-k)) * 2^(8-k); k = 0 gives black, k >= 8 the image.
        var buckets = PerImage(bits.Select(k => Math.Pow(2.0, Math.Clamp(8.0 - k, 0.0, 8.0))).ToArray(), bytes);
        return (bytes / buckets).floor() * buckets;
    }

    // PIL autocontrast (cutoff 0) per channel: lo..hi maps to 0..255 with lut[p] = int((p - lo) * 255 / (hi - lo)).
    private static Tensor AutoContrast(Tensor bytes)
    {
        var low = bytes.amin([2, 3], keepdim: true);
        var high = bytes.amax([2, 3], keepdim: true);
        var range = high - low;
        var stretched = ((bytes - low) * 255.0 / range.clamp_min(1.0)).floor().clamp(0.0, 255.0);
        return where(range > 0.0, stretched, bytes);
    }

    // PIL equalize per channel: step = (pixels - count of the top value) // 255,
    // lut[p] = (step // 2 + pixels below p) // step, the identity when step is 0.
    private static Tensor Equalize(Tensor bytes)
    {
        long n = bytes.shape[0], channels = bytes.shape[1], height = bytes.shape[2], width = bytes.shape[3];
        var values = bytes.to(ScalarType.Int64).reshape(n * channels, height * width);
        var histogram = zeros([n * channels, 256], ScalarType.Int64, bytes.device).scatter_add_(1, values, ones_like(values));
        var topCount = histogram.gather(1, values.amax([1], keepdim: true));
        var step = (height * width - topCount).div(255, RoundingMode.floor);
        var below = histogram.cumsum(1) - histogram;
        var lut = (step.div(2, RoundingMode.floor) + below).div(step.clamp_min(1), RoundingMode.floor).clamp(0, 255);
        var identity = arange(256, ScalarType.Int64, bytes.device).unsqueeze(0).expand(n * channels, 256);
        lut = where(step == 0, identity, lut);
        return lut.gather(1, values).reshape(n, channels, height, width).to(bytes.dtype);
    }

    // PIL rotate(degrees): output (x, y) about the centre reads input (cos x - sin y, sin x + cos y), y pointing down.
    private static double[] RotationMatrix(double degrees, double height, double width)
    {
        double radians = degrees * Math.PI / 180.0;
        double cos = Math.Cos(radians), sin = Math.Sin(radians);
        return [cos, -sin * height / width, 0, sin * width / height, cos, 0];
    }

    private static Tensor Affine(Tensor bytes, IReadOnlyList<double> arguments, IReadOnlyList<float> fill, Func<double, double, double, double[]> matrix)
    {
        long height = bytes.shape[2], width = bytes.shape[3];
        var theta = arguments.SelectMany(a => matrix(a, height, width)).Select(v => (float)v).ToArray();
        var byteFill = fill.Select(f => MathF.Round(f * 255f)).ToArray();
        return AffineSampling.Sample(bytes, theta, height, width, byteFill).round();
    }
}
