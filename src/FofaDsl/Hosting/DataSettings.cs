namespace FofaDsl.Hosting;

/// <summary>Resolved data declaration (see <see cref="DataAttribute"/>).</summary>
/// <param name="Dataset">Which dataset.</param>
/// <param name="Path">Its folder, or null for the embedded Fashion-MNIST subset.</param>
/// <param name="ImageSize">Side of the images the models see.</param>
/// <param name="TrainLimit">At most this many training images, class-balanced (0: all).</param>
/// <param name="Classes">Declared class count (checked against an image folder's classes).</param>
/// <param name="Augmentation">Training augmentation.</param>
public sealed record DataSettings(DatasetKind Dataset, string? Path, int ImageSize, int TrainLimit, int Classes = 0, AugmentationKind Augmentation = AugmentationKind.Flip)
{
    /// <summary>Channels of the images the models see: 1 for Fashion-MNIST, 3 (RGB) for the others.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int InputChannels => Dataset == DatasetKind.FashionMnist ? 1 : 3;
}
