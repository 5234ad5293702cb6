using System.Globalization;
using System.Linq;
using FofaDsl.Generators.Model;

namespace FofaDsl.Generators.Emitting;

/// <summary>C# literals in invariant culture, so generated code does not depend on the build machine.</summary>
internal static class Literals
{
    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Bool(bool value) => value ? "true" : "false";

    public static string Double(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains(".") || text.Contains("E") ? text : text + ".0";
    }

    public static string String(string? value) => value is null
        ? "null"
        : "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\r", "\\r") + "\"";

    public static string IntArray(EquatableArray<int> values) => "[" + string.Join(", ", values.Select(Int)) + "]";

    /// <summary>Escapes text for an XML doc comment.</summary>
    public static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
