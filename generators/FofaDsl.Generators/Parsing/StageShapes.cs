using System.Collections.Immutable;
using System.Linq;
using FofaDsl.Generators.Model;
using Microsoft.CodeAnalysis;

namespace FofaDsl.Generators.Parsing;

/// <summary>
/// Stage shapes from a model type's <c>[StageGeometry]</c> declaration: the declaration is read from
/// the type's symbol and evaluated exactly as the runtime attribute evaluates it (a test checks both).
/// </summary>
internal static class StageShapes
{
    public const string AttributeName = "FofaDsl.Stages.StageGeometryAttribute";

    /// <summary>The declaration on <paramref name="type"/>, or null when it has none or it does not bind.</summary>
    public static GeometryDeclaration? Read(INamedTypeSymbol type)
    {
        var attribute = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == AttributeName);
        if (attribute is null || attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not int layout) return null;

        ImmutableArray<int> Ints(string name) => attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value is { Kind: TypedConstantKind.Array, IsNull: false } array
            ? array.Values.Select(v => v.Value is int i ? i : 0).ToImmutableArray()
            : ImmutableArray<int>.Empty;
        int Int(string name) => attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value is int i ? i : 0;
        bool Bool(string name) => attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value is true;

        return new GeometryDeclaration(layout == 1, new EquatableArray<int>(Ints("Channels")), new EquatableArray<int>(Ints("Strides")),
            Int("StemChannels"), Int("StemStride"), Bool("ClassToken"), Bool("RoundDown"), Int("ReferenceWidth"), Int("ReferencePatch"));
    }

    /// <summary>Why a declaration cannot be evaluated, or null when it is complete.</summary>
    public static string? Problem(GeometryDeclaration declaration)
    {
        if (declaration.Channels.Count != 4 || declaration.Strides.Count != 4)
            return $"it gives {declaration.Channels.Count} channels and {declaration.Strides.Count} strides; give 4 of each";
        if (declaration.Channels.Any(c => c <= 0) || declaration.Strides.Any(s => s <= 0) || declaration.StemChannels <= 0 || declaration.StemStride <= 0)
            return "every channel count and stride (stages and stem) must be positive";
        return null;
    }

    /// <summary>Stem and stage shapes at <paramref name="imageSize"/> with the width and patch knobs (0: the declared reference) and a stride divisor.</summary>
    public static (StageShape Stem, ImmutableArray<StageShape> Stages) Evaluate(GeometryDeclaration declaration, int imageSize, int width, int patch, int divisor)
    {
        var stem = declaration.Evaluate(declaration.StemChannels, declaration.StemStride, imageSize, width, patch, divisor);
        var stages = Enumerable.Range(0, 4)
            .Select(i => declaration.Evaluate(declaration.Channels[i], declaration.Strides[i], imageSize, width, patch, divisor))
            .ToImmutableArray();
        return (stem, stages);
    }
}
