using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using FofaDsl.Generators.Model;
using Microsoft.CodeAnalysis;

namespace FofaDsl.Generators.Parsing;

/// <summary>
/// What the generator knows of each <c>FofaDsl.Architecture</c> member, read from the member's <c>[Preset]</c> in the
/// referenced FofaDsl assembly (the one list of presets, which <c>ModelZoo</c> reads too): the backbone type and its
/// family, the options factory, the knob values and which knobs a declaration may set.
/// </summary>
internal static class ArchitectureCatalog
{
    private const string ArchitectureType = "FofaDsl.Architecture";
    private const string PresetAttributeType = "FofaDsl.PresetAttribute";

    /// <summary>Every knob a model attribute has (besides <c>Weights</c>).</summary>
    public static readonly ImmutableArray<string> AllKnobs = ImmutableArray.Create("Stem", "BaseWidth", "PatchSize", "EmbedDim", "Depth", "Heads", "WindowSize");

    /// <summary>The member named <paramref name="name"/> with its preset, or null when the referenced FofaDsl has no such member or no preset on it.</summary>
    public static ArchitectureInfo? FromName(Compilation compilation, string? name)
    {
        if (name is null || compilation.GetTypeByMetadataName(ArchitectureType) is not { } architecture) return null;
        return architecture.GetMembers(name).OfType<IFieldSymbol>().Select(Read).FirstOrDefault(info => info is not null);
    }

    /// <summary>Every member of the referenced <c>FofaDsl.Architecture</c> that has a preset, in declaration order.</summary>
    public static IReadOnlyList<ArchitectureInfo> All(Compilation compilation) =>
        compilation.GetTypeByMetadataName(ArchitectureType) is { } architecture
            ? architecture.GetMembers().OfType<IFieldSymbol>().Select(Read).Where(info => info is not null).Select(info => info!).ToList()
            : new List<ArchitectureInfo>();

    private static ArchitectureInfo? Read(IFieldSymbol member)
    {
        var preset = member.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == PresetAttributeType);
        if (preset is null || preset.ConstructorArguments.Length != 3
            || preset.ConstructorArguments[0].Value is not INamedTypeSymbol backbone
            || preset.ConstructorArguments[1].Value is not string factory)
            return null;
        int Knob(string knob) => preset.NamedArguments.FirstOrDefault(a => a.Key == knob).Value.Value is int value ? value : 0;
        var knobs = preset.NamedArguments.FirstOrDefault(a => a.Key == "Knobs").Value is { Kind: TypedConstantKind.Array } array
            ? array.Values.Select(v => v.Value as string).Where(v => v is not null).Select(v => v!).ToArray()
            : new string[0];
        var runtimeType = backbone.ToDisplayString();
        return new ArchitectureInfo(member.Name, FamilyOf(backbone.Name), runtimeType, factory, knobs,
            Knob("BaseWidth"), Knob("PatchSize"), Knob("EmbedDim"), Knob("Depth"), Knob("Heads"), Knob("WindowSize"));
    }

    /// <summary>The family whose checks (heads dividing the width, windows, stems) apply to a backbone type.</summary>
    private static ModelFamily FamilyOf(string backbone) => backbone switch
    {
        "ResNet" => ModelFamily.ResNet,
        "VisionTransformer" => ModelFamily.VisionTransformer,
        "MobileNetV2" => ModelFamily.MobileNetV2,
        "ConvNeXt" => ModelFamily.ConvNeXt,
        "SwinTransformer" => ModelFamily.Swin,
        "MlpMixer" => ModelFamily.MlpMixer,
        "ResMlp" => ModelFamily.ResMlp,
        _ => ModelFamily.Custom,
    };
}

/// <summary>One <c>Architecture</c> member's preset: family, runtime type, options factory, knob values (0 = not applicable) and overridable knobs.</summary>
internal sealed record ArchitectureInfo(
    string Name,
    ModelFamily Family,
    string RuntimeMetadataName,
    string OptionsFactory,
    string[] Knobs,
    int BaseWidth = 0,
    int PatchSize = 0,
    int EmbedDim = 0,
    int Depth = 0,
    int Heads = 0,
    int WindowSize = 0)
{
    /// <summary>The knob value that scales the declared widths (0: fixed).</summary>
    public int Width(int baseWidth, int embedDim) =>
        System.Array.IndexOf(Knobs, "BaseWidth") >= 0 ? baseWidth : System.Array.IndexOf(Knobs, "EmbedDim") >= 0 ? embedDim : 0;
}
