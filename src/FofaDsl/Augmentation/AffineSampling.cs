using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace FofaDsl.Augmentation;

/// <summary>
/// Per-image affine resampling with one <c>affine_grid</c> + <c>grid_sample</c> call for the whole
/// batch. Matrices map output to input in grid_sample's normalised coordinates
/// (<c>align_corners = false</c>: -1 and 1 are the outer edges of the border pixels).
/// </summary>
internal static class AffineSampling
{
    /// <summary>
    /// Samples <paramref name="images"/> <c>[N, C, H, W]</c> bilinearly at the points
    /// <paramref name="theta"/> (<c>N * 6</c> numbers, row-major <c>[N, 2, 3]</c>) gives for an
    /// <paramref name="outputHeight"/> x <paramref name="outputWidth"/> output. Neighbours beyond the
    /// border repeat the border pixel. With a <paramref name="fill"/> colour, an output pixel whose
    /// sample point falls outside the image takes that colour, as PIL's affine transform does.
    /// With <paramref name="bounds"/> (<c>N * 4</c> numbers: x min, x max, y min, y max per image,
    /// normalised) the sample points are clamped into that rectangle, so a crop never reads the
    /// pixels around it.
    /// </summary>
    public static Tensor Sample(Tensor images, float[] theta, long outputHeight, long outputWidth, IReadOnlyList<float>? fill, float[]? bounds = null)
    {
        using var scope = NewDisposeScope();
        long n = images.shape[0], channels = images.shape[1];
        var matrices = tensor(theta, [n, 2, 3]).to(images.dtype, images.device);
        var grid = affine_grid(matrices, [n, channels, outputHeight, outputWidth], align_corners: false);
        if (bounds is not null)
        {
            var limits = tensor(bounds, [n, 1, 1, 2, 2]).to(images.dtype, images.device);
            grid = grid.maximum(limits.select(4, 0)).minimum(limits.select(4, 1));
        }
        var sampled = grid_sample(images, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: false);
        if (fill is null)
            return sampled.MoveToOuterDisposeScope();

        var x = grid.select(3, 0);
        var y = grid.select(3, 1);
        var inside = (x >= -1.0).logical_and(x < 1.0).logical_and(y >= -1.0).logical_and(y < 1.0).unsqueeze(1);
        var colour = tensor(fill.ToArray(), [1, fill.Count, 1, 1]).to(images.dtype, images.device);
        return where(inside, sampled, colour).MoveToOuterDisposeScope();
    }
}
