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

    /// <summary>A user's own StagedBackbone subclass, declared with typeof(...).</summary>
    Custom,
}
