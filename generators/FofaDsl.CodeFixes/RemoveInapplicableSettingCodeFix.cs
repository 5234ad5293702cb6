using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace FofaDsl.CodeFixes;

/// <summary>
/// FOFA010 "Setting does not apply to the architecture": removes the named argument (for example
/// <c>PatchSize = 4</c> on a ResNet18). The setting has no meaning for the declared model, so removing it
/// is the one edit that keeps the declaration's intent; choosing another architecture is left to the user.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveInapplicableSettingCodeFix)), Shared]
public sealed class RemoveInapplicableSettingCodeFix : CodeFixProvider
{
    private const string EquivalenceKey = nameof(RemoveInapplicableSettingCodeFix);

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.KnobNotApplicable);

    /// <summary>
    /// Several settings of one attribute can be inapplicable; their removals touch the same commas,
    /// so fixing all rewrites each argument list once instead of merging overlapping edits.
    /// </summary>
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixDocumentAsync);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || FindArgument(root, context.Span) is not { } argument) return;

        context.RegisterCodeFix(
            CodeAction.Create(
                $"Remove {argument.NameEquals!.Name.Identifier.ValueText}",
                _ => Task.FromResult(context.Document.WithSyntaxRoot(Remove(root, new[] { argument }))),
                EquivalenceKey),
            context.Diagnostics);
    }

    private static async Task<Document?> FixDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return document;
        var arguments = diagnostics.Select(d => FindArgument(root, d.Location.SourceSpan)).OfType<AttributeArgumentSyntax>();
        return document.WithSyntaxRoot(Remove(root, arguments));
    }

    /// <summary>The named attribute argument the diagnostic points at, or null for a stale location.</summary>
    private static AttributeArgumentSyntax? FindArgument(SyntaxNode root, TextSpan span) =>
        root.FullSpan.Contains(span)
        && root.FindNode(span) is AttributeArgumentSyntax { NameEquals: not null, Parent: AttributeArgumentListSyntax } argument
        && argument.Span == span
            ? argument
            : null;

    private static SyntaxNode Remove(SyntaxNode root, IEnumerable<AttributeArgumentSyntax> arguments)
    {
        var doomed = new HashSet<AttributeArgumentSyntax>(arguments);
        var lists = doomed.Select(a => (AttributeArgumentListSyntax)a.Parent!).Distinct();
        return root.ReplaceNodes(lists, (original, rewritten) =>
            rewritten.WithArguments(SeparatedLists.RemoveWhere(rewritten.Arguments, i => doomed.Contains(original.Arguments[i]))));
    }
}
