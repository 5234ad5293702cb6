namespace FofaDsl.Generators.Model;

/// <summary>A resolved teacher or student declaration with its computed stage shapes.</summary>
internal sealed record ModelSpec(
    string Role,
    string Architecture,
    int ImageSize,
    int InputChannels,
    int Classes,
    string Stem,
    int BaseWidth,
    int PatchSize,
    int EmbedDim,
    int Depth,
    int Heads,
    string? Weights,
    StageShape StemShape,
    EquatableArray<StageShape> Stages,
    EquatableArray<int> StageEnds)
{
    public bool IsResNet => Architecture == ArchitectureNames.ResNet18;

    /// <summary>The runtime type that implements the architecture.</summary>
    public string RuntimeType => IsResNet ? "global::FofaDsl.Backbones.ResNet" : "global::FofaDsl.Backbones.VisionTransformer";

    /// <summary>Short human name, e.g. <c>ResNet18 (CIFAR stem, width 16)</c> or <c>ViT 4px/96/6x3</c>.</summary>
    public string DisplayName => IsResNet
        ? $"ResNet18 ({Stem} stem, width {BaseWidth})"
        : $"ViT (patch {PatchSize}, width {EmbedDim}, depth {Depth}, {Heads} heads)";
}

/// <summary>Names of the <c>FofaDsl.Architecture</c> enum members, by value.</summary>
internal static class ArchitectureNames
{
    public const string ResNet18 = "ResNet18";
    public const string VisionTransformer = "VisionTransformer";

    public static string? FromValue(int value) => value switch
    {
        0 => ResNet18,
        1 => VisionTransformer,
        _ => null,
    };
}
