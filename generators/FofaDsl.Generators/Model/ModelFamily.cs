namespace FofaDsl.Generators.Model;

/// <summary>The runtime backbone family an <c>Architecture</c> member is built from.</summary>
internal enum ModelFamily
{
    ResNet,
    VisionTransformer,
    MobileNetV2,
    ConvNeXt,
    Swin,
    MlpMixer,
    ResMlp,
}
