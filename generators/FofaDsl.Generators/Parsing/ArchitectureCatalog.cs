using System.Collections.Generic;
using System.Collections.Immutable;
using FofaDsl.Generators.Model;

namespace FofaDsl.Generators.Parsing;

/// <summary>
/// What the generator knows of each <c>FofaDsl.Architecture</c> member (by name): its family,
/// the preset's knob values, and which knobs a user may override. A test keeps it in step with the
/// runtime enum and the runtime models' stage shapes.
/// </summary>
internal static class ArchitectureCatalog
{
    public const string SwinPico = "SwinPico";

    private static readonly string[] VitKnobs = { "PatchSize", "EmbedDim", "Depth", "Heads" };
    private static readonly string[] MlpKnobs = { "PatchSize", "EmbedDim", "Depth" };

    /// <summary>Every knob a model attribute has (besides <c>Weights</c>).</summary>
    public static readonly ImmutableArray<string> AllKnobs = ImmutableArray.Create("Stem", "BaseWidth", "PatchSize", "EmbedDim", "Depth", "Heads", "WindowSize");

    private static readonly ArchitectureInfo[] Members =
    {
        new("ResNet18", ModelFamily.ResNet, BaseWidth: 64, Knobs: new[] { "Stem", "BaseWidth" }),
        new("VisionTransformer", ModelFamily.VisionTransformer, PatchSize: 16, EmbedDim: 192, Depth: 12, Heads: 3, Knobs: VitKnobs),
        new("DeiTTiny", ModelFamily.VisionTransformer, PatchSize: 16, EmbedDim: 192, Depth: 12, Heads: 3, Knobs: VitKnobs),
        new("VitSmall", ModelFamily.VisionTransformer, PatchSize: 16, EmbedDim: 384, Depth: 12, Heads: 6, Knobs: VitKnobs),
        new("MobileNetV2", ModelFamily.MobileNetV2, Knobs: new string[0]),
        new("ConvNeXtTiny", ModelFamily.ConvNeXt, BaseWidth: 96, Knobs: new[] { "BaseWidth" }),
        new("SwinTiny", ModelFamily.Swin, PatchSize: 4, EmbedDim: 96, Heads: 3, WindowSize: 7, Knobs: new[] { "PatchSize", "EmbedDim", "WindowSize" }),
        new(SwinPico, ModelFamily.Swin, PatchSize: 4, EmbedDim: 48, Heads: 2, WindowSize: 7, Knobs: new[] { "PatchSize", "EmbedDim", "WindowSize" }),
        new("MixerB16", ModelFamily.MlpMixer, PatchSize: 16, EmbedDim: 768, Depth: 12, Knobs: MlpKnobs),
        new("ResMlpS12", ModelFamily.ResMlp, PatchSize: 16, EmbedDim: 384, Depth: 12, Knobs: MlpKnobs),
    };

    /// <summary>The member named <paramref name="name"/>, or null for one the generator does not know.</summary>
    public static ArchitectureInfo? FromName(string? name) => System.Array.Find(Members, m => m.Name == name);

    public static IReadOnlyList<ArchitectureInfo> All => Members;
}

/// <summary>One <c>Architecture</c> member: family, preset knob values (0 = not applicable) and overridable knobs.</summary>
internal sealed record ArchitectureInfo(
    string Name,
    ModelFamily Family,
    string[] Knobs,
    int BaseWidth = 0,
    int PatchSize = 0,
    int EmbedDim = 0,
    int Depth = 0,
    int Heads = 0,
    int WindowSize = 0)
{
    /// <summary>Metadata name of the runtime type, whose <c>[StageGeometry]</c> gives the stage shapes.</summary>
    public string RuntimeMetadataName => "FofaDsl.Backbones." + Family switch
    {
        ModelFamily.ResNet => "ResNet",
        ModelFamily.VisionTransformer => "VisionTransformer",
        ModelFamily.MobileNetV2 => "MobileNetV2",
        ModelFamily.ConvNeXt => "ConvNeXt",
        ModelFamily.Swin => "SwinTransformer",
        ModelFamily.MlpMixer => "MlpMixer",
        _ => "ResMlp",
    };

    /// <summary>The knob value that scales the declared widths (0: fixed).</summary>
    public int Width(int baseWidth, int embedDim) =>
        System.Array.IndexOf(Knobs, "BaseWidth") >= 0 ? baseWidth : System.Array.IndexOf(Knobs, "EmbedDim") >= 0 ? embedDim : 0;
}
