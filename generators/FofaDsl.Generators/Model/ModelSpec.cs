namespace FofaDsl.Generators.Model;

/// <summary>A resolved teacher or student declaration with its computed stage shapes.</summary>
internal sealed record ModelSpec(
    string Role,
    string Architecture,
    ModelFamily Family,
    string RuntimeType,
    int ImageSize,
    int InputChannels,
    int Classes,
    string Stem,
    int BaseWidth,
    int PatchSize,
    int EmbedDim,
    int Depth,
    int Heads,
    int WindowSize,
    string? Weights,
    StageShape StemShape,
    EquatableArray<StageShape> Stages,
    TapSpec? Taps = null,
    string OptionsFactory = "",
    string KnobNames = "")
{
    /// <summary>The knobs the preset lets a declaration set, in the order of its <c>[Preset]</c>.</summary>
    public string[] Knobs => KnobNames.Length == 0 ? new string[0] : KnobNames.Split(',');

    /// <summary>Whether the stages are read through <c>[Tap]</c>s of a plain TorchSharp module.</summary>
    public bool IsTapped => Taps is not null;

    /// <summary>Short human name, e.g. <c>ResNet18 (Cifar stem, width 16)</c> or <c>ViT (patch 4, width 96, depth 6, 3 heads)</c>.</summary>
    public string DisplayName => Family switch
    {
        ModelFamily.ResNet => $"ResNet18 ({Stem} stem, width {BaseWidth})",
        ModelFamily.VisionTransformer => $"ViT (patch {PatchSize}, width {EmbedDim}, depth {Depth}, {Heads} heads)",
        ModelFamily.MobileNetV2 => "MobileNetV2",
        ModelFamily.ConvNeXt => $"ConvNeXt-T (width {BaseWidth})",
        ModelFamily.Swin => $"{(Architecture == "SwinPico" ? "Swin-P" : "Swin-T")} (patch {PatchSize}, width {EmbedDim}, window {WindowSize})",
        ModelFamily.MlpMixer => $"MLP-Mixer (patch {PatchSize}, width {EmbedDim}, depth {Depth})",
        ModelFamily.ResMlp => $"ResMLP (patch {PatchSize}, width {EmbedDim}, depth {Depth})",
        _ => Architecture,
    };
}
