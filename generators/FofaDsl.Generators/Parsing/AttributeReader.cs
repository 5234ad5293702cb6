using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using FofaDsl.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FofaDsl.Generators.Parsing;

/// <summary>
/// Typed access to one applied attribute: named and constructor arguments with their source
/// locations, falling back to the declared default when an argument is absent or does not bind
/// (the compiler already reports a wrong type; the generator must not add noise or throw).
/// </summary>
internal sealed class AttributeReader
{
    private readonly AttributeData data;
    private readonly AttributeSyntax? syntax;

    public AttributeReader(AttributeData data, CancellationToken cancellation)
    {
        this.data = data;
        syntax = data.ApplicationSyntaxReference?.GetSyntax(cancellation) as AttributeSyntax;
    }

    /// <summary>Location of the whole attribute.</summary>
    public LocationInfo? Location => LocationInfo.From(syntax);

    public bool Has(string name) => TryGet(name, out _);

    public int Int(string name, int fallback) => TryGet(name, out var value) && value.Value is int i ? i : fallback;

    public bool Bool(string name, bool fallback) => TryGet(name, out var value) && value.Value is bool b ? b : fallback;

    public string? String(string name, string? fallback) => TryGet(name, out var value) ? value.Value as string ?? fallback : fallback;

    public double Double(string name, double fallback) => TryGet(name, out var value)
        ? value.Value switch { double d => d, float f => f, int i => i, long l => l, _ => fallback }
        : fallback;

    public ImmutableArray<int>? IntArray(string name)
    {
        if (!TryGet(name, out var value) || value.Kind != TypedConstantKind.Array || value.IsNull) return null;
        return value.Values.Select(v => v.Value is int i ? i : int.MinValue).ToImmutableArray();
    }

    /// <summary>The enum member a named argument names, read from the enum type's symbol; null when the argument is absent.</summary>
    public EnumArgument? Enum(string name) => TryGet(name, out var value) ? EnumArgument.Of(value) : null;

    /// <summary>The enum member a constructor argument names; null when it is absent or does not bind.</summary>
    public EnumArgument? ConstructorEnum(int index) =>
        data.ConstructorArguments.Length > index ? EnumArgument.Of(data.ConstructorArguments[index]) : null;

    /// <summary>Underlying value of the first constructor argument (enums arrive as their integer value).</summary>
    public int? ConstructorInt(int index) =>
        data.ConstructorArguments.Length > index && data.ConstructorArguments[index].Kind != TypedConstantKind.Error && data.ConstructorArguments[index].Value is int i ? i : null;

    /// <summary>The type of a <c>typeof(...)</c> constructor argument, or null when the argument is not a type.</summary>
    public INamedTypeSymbol? ConstructorType(int index) =>
        data.ConstructorArguments.Length > index && data.ConstructorArguments[index].Kind == TypedConstantKind.Type
            ? data.ConstructorArguments[index].Value as INamedTypeSymbol
            : null;

    /// <summary>Location of a named argument, or of the attribute when it is absent.</summary>
    public LocationInfo? LocationOf(string name)
    {
        var argument = syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
        return LocationInfo.From(argument) ?? Location;
    }

    /// <summary>Location of a positional constructor argument, or of the attribute.</summary>
    public LocationInfo? LocationOfConstructorArgument(int index)
    {
        var positional = syntax?.ArgumentList?.Arguments.Where(a => a.NameEquals is null).ToList();
        return positional is not null && positional.Count > index ? LocationInfo.From(positional[index]) : Location;
    }

    private bool TryGet(string name, out TypedConstant value)
    {
        foreach (var pair in data.NamedArguments)
        {
            if (pair.Key == name && pair.Value.Kind != TypedConstantKind.Error)
            {
                value = pair.Value;
                return true;
            }
        }
        value = default;
        return false;
    }
}
