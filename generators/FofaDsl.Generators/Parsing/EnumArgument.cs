using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace FofaDsl.Generators.Parsing;

/// <summary>
/// An enum argument as the user wrote it: the member's name, found among the enum type's fields by its constant value
/// (so the generator follows the enum's declaration, not a copy of its numbering), and the number itself for messages.
/// </summary>
/// <param name="Member">The member's name, or null for a value no member has (e.g. <c>(Architecture)42</c>).</param>
/// <param name="Number">The underlying value.</param>
internal readonly record struct EnumArgument(string? Member, long Number)
{
    public static EnumArgument? Of(TypedConstant constant)
    {
        if (constant.Kind != TypedConstantKind.Enum || constant.Value is null || constant.Type is not INamedTypeSymbol type) return null;
        var member = type.GetMembers().OfType<IFieldSymbol>()
            .FirstOrDefault(field => field.HasConstantValue && Equals(field.ConstantValue, constant.Value))?.Name;
        return new EnumArgument(member, System.Convert.ToInt64(constant.Value, CultureInfo.InvariantCulture));
    }

    /// <summary>The member's name if it is one of <paramref name="known"/>, else null.</summary>
    public string? OneOf(params string[] known) => Member is { } name && known.Contains(name) ? name : null;
}
