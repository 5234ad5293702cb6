namespace FofaDsl.Backbones;

/// <summary>The input stem of a <see cref="ResNet"/>.</summary>
public enum ResNetStem
{
    /// <summary>torchvision's stem: 7x7 convolution with stride 2, then a 3x3 max pool with stride 2 (4x down).</summary>
    ImageNet,

    /// <summary>The small-image stem: one 3x3 convolution with stride 1 and no pooling, so the image size is kept.</summary>
    Cifar,
}
