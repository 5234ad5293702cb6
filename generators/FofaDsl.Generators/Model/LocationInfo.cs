using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace FofaDsl.Generators.Model;

/// <summary>A cache-safe source location: plain values instead of a <see cref="Location"/> that pins a syntax tree.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    /// <summary>
    /// The location in <paramref name="compilation"/>'s own syntax tree of this file, so that <c>#pragma warning</c> and
    /// <c>.editorconfig</c> severities apply to a diagnostic there; a location made from the path alone is outside every
    /// tree, where neither applies. Falls back to that when the file is no longer in the compilation.
    /// </summary>
    public Location ToLocation(Compilation compilation)
    {
        foreach (var tree in compilation.SyntaxTrees)
        {
            if (tree.FilePath == FilePath && Span.End <= tree.Length) return Location.Create(tree, Span);
        }
        return Location.Create(FilePath, Span, LineSpan);
    }

    public static LocationInfo? From(SyntaxNode? node) => node is null ? null : From(node.GetLocation());

    public static LocationInfo? From(Location? location) =>
        location?.SourceTree is null ? null : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
}
