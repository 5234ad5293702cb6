using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FofaDsl.CodeFixes;

/// <summary>Removing items from a comma-separated list (array elements, attribute arguments) without disturbing its layout.</summary>
internal static class SeparatedLists
{
    /// <summary>
    /// The list without the items <paramref name="remove"/> selects (by index). Each kept item keeps the
    /// comma that followed it, so line breaks stay where they were; when the last item goes, the new last
    /// item takes its trailing trivia (the space or line break before the closing bracket) and, if the list
    /// had one, its trailing comma.
    /// </summary>
    public static SeparatedSyntaxList<TNode> RemoveWhere<TNode>(SeparatedSyntaxList<TNode> list, Func<int, bool> remove)
        where TNode : SyntaxNode
    {
        var kept = new List<int>();
        for (var i = 0; i < list.Count; i++)
            if (!remove(i)) kept.Add(i);
        if (kept.Count == list.Count) return list;
        if (kept.Count == 0) return SyntaxFactory.SeparatedList<TNode>();

        var last = list.Count - 1;
        var hasTrailingComma = list.SeparatorCount == list.Count;
        var items = new List<SyntaxNodeOrToken>();
        for (var k = 0; k < kept.Count; k++)
        {
            var index = kept[k];
            if (k < kept.Count - 1)
            {
                items.Add(list[index]);
                items.Add(list.GetSeparator(index));
                continue;
            }
            // The new last item: it ends the list as the old last item did.
            items.Add(index == last ? list[index] : list[index].WithTrailingTrivia(list[last].GetTrailingTrivia()));
            if (hasTrailingComma) items.Add(list.GetSeparator(last));
        }
        return SyntaxFactory.SeparatedList<TNode>(items);
    }
}
