using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace FofaDsl.Augmentation;

/// <summary>
/// timm's evaluation transform on a batch: resize so the shorter side is
/// <c>floor(Size / CropFraction)</c> (bilinear), then take the centre <c>Size x Size</c> crop.
/// Deterministic; works on normalised or <c>[0, 1]</c> images alike.
/// </summary>
public sealed class EvalTransform
{
    /// <summary>Creates the transform; timm's default crop fraction is 0.875.</summary>
    public EvalTransform(int size, double cropFraction = 0.875)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        if (!(cropFraction > 0 && cropFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(cropFraction), cropFraction, "The crop fraction must be in (0, 1].");
        Size = size;
        CropFraction = cropFraction;
    }

    /// <summary>Side of the square output.</summary>
    public int Size { get; }

    /// <summary>Fraction of the resized shorter side the crop keeps.</summary>
    public double CropFraction { get; }

    /// <summary>The shorter side after resizing: <c>floor(Size / CropFraction)</c>, as timm's <c>scale_size</c>.</summary>
    public int ResizedShorterSide => (int)Math.Floor(Size / CropFraction);

    /// <summary>Resizes and centre-crops <paramref name="images"/> <c>[B, C, H, W]</c>; returns a new tensor.</summary>
    public Tensor Apply(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4)
            throw new ArgumentException($"Expected [B, C, H, W] images; got [{string.Join(", ", images.shape)}].", nameof(images));
        long height = images.shape[2], width = images.shape[3];

        // torchvision Resize(int): the shorter side becomes the target, the longer keeps the aspect (truncated).
        long shorter = ResizedShorterSide;
        long newHeight = height <= width ? shorter : (long)(shorter * (double)height / width);
        long newWidth = height <= width ? (long)(shorter * (double)width / height) : shorter;

        using var scope = NewDisposeScope();
        var resized = newHeight == height && newWidth == width
            ? images
            : interpolate(images, [newHeight, newWidth], mode: InterpolationMode.Bilinear, align_corners: false);
        long top = (long)Math.Round((newHeight - Size) / 2.0, MidpointRounding.ToEven);
        long left = (long)Math.Round((newWidth - Size) / 2.0, MidpointRounding.ToEven);
        if (top < 0 || left < 0)
            throw new ArgumentException($"A {newHeight}x{newWidth} image is too small for a {Size} crop.", nameof(images));
        return resized.narrow(2, top, Size).narrow(3, left, Size).clone().MoveToOuterDisposeScope();
    }
}
