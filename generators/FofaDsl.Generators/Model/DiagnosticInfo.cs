using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace FofaDsl.Generators.Model;

/// <summary>
/// A diagnostic kept as values (descriptor, location, message arguments) so it can live in a cached model.
/// <see cref="FixValue"/> is the value a code fix writes, when the generator knows it (diagnostic property <c>FixValue</c>).
/// </summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> MessageArgs, string? FixValue = null)
{
    /// <summary>The property a code fix reads <see cref="FixValue"/> from.</summary>
    public const string FixValueProperty = "FixValue";

    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] messageArgs) =>
        new(descriptor, location, new EquatableArray<string>(messageArgs.Select(a => System.Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture) ?? "")));

    /// <summary>The diagnostic, located in <paramref name="compilation"/>'s syntax tree (see <see cref="LocationInfo.ToLocation"/>).</summary>
    public Diagnostic ToDiagnostic(Compilation compilation) =>
        Diagnostic.Create(Descriptor, Location?.ToLocation(compilation),
            FixValue is null ? null : ImmutableDictionary<string, string?>.Empty.Add(FixValueProperty, FixValue),
            MessageArgs.Select(a => (object?)a).ToArray());
}
