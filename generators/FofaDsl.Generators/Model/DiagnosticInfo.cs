using System.Linq;
using Microsoft.CodeAnalysis;

namespace FofaDsl.Generators.Model;

/// <summary>A diagnostic kept as values (descriptor, location, message arguments) so it can live in a cached model.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> MessageArgs)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] messageArgs) =>
        new(descriptor, location, new EquatableArray<string>(messageArgs.Select(a => System.Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture) ?? "")));

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptor, Location?.ToLocation(), MessageArgs.Select(a => (object?)a).ToArray());
}
