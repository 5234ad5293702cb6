using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FofaDsl.CodeFixes;

/// <summary>
/// FOFA001 "Experiment class must be partial": adds the <c>partial</c> modifier, last among the
/// modifiers (C# wants it right before <c>class</c>), keeping the declaration's comments and layout.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeExperimentPartialCodeFix)), Shared]
public sealed class MakeExperimentPartialCodeFix : CodeFixProvider
{
    private const string EquivalenceKey = nameof(MakeExperimentPartialCodeFix);

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.ClassNotPartial);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;

        // The generator puts FOFA001 on the class name; anything else is a stale diagnostic.
        var identifier = root.FindToken(context.Span.Start);
        if (identifier.Span != context.Span || identifier.Parent is not ClassDeclarationSyntax declaration
            || declaration.Identifier != identifier || declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            return;

        context.RegisterCodeFix(
            CodeAction.Create(
                $"Make '{identifier.ValueText}' partial",
                cancellation => MakePartialAsync(context.Document, root, declaration, cancellation),
                EquivalenceKey),
            context.Diagnostics);
    }

    private static Task<Document> MakePartialAsync(Document document, SyntaxNode root, ClassDeclarationSyntax declaration, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(declaration, WithPartial(declaration))));
    }

    /// <summary>The declaration with <c>partial</c> appended to its modifiers.</summary>
    internal static ClassDeclarationSyntax WithPartial(ClassDeclarationSyntax declaration)
    {
        var partial = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        if (declaration.Modifiers.Count > 0) return declaration.WithModifiers(declaration.Modifiers.Add(partial));

        // No modifiers: 'partial' becomes the first token of the declaration after its attributes,
        // so it takes over the indentation (and any comment) that preceded 'class'.
        var keyword = declaration.Keyword;
        return declaration
            .WithKeyword(keyword.WithLeadingTrivia(SyntaxFactory.TriviaList()))
            .WithModifiers(SyntaxFactory.TokenList(partial.WithLeadingTrivia(keyword.LeadingTrivia)));
    }
}
