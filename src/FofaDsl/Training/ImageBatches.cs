using static TorchSharp.torch;

namespace FofaDsl.Training;

/// <summary>Prepares loader batches for a model declared at another image size.</summary>
public static class ImageBatches
{
    /// <summary>Bilinear resize of a <c>[B, C, H, W]</c> batch to <paramref name="imageSize"/> when it differs; the input is returned untouched otherwise.</summary>
    public static Tensor Resize(Tensor images, int imageSize) =>
        images.shape[2] == imageSize && images.shape[3] == imageSize
            ? images
            : nn.functional.interpolate(images, [imageSize, imageSize], mode: InterpolationMode.Bilinear, align_corners: false);
}
