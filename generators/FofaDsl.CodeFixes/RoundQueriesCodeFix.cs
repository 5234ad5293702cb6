using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FofaDsl.CodeFixes;

/// <summary>
/// FOFA004 "RAA query count N/4 is not a perfect square": replaces the literal in
/// <c>[Fofa(Queries = N)]</c> with the nearest valid count 4*g*g (ties go to the larger).
/// Only a literal is rewritten: a constant or an expression stands for something the fix cannot know.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RoundQueriesCodeFix)), Shared]
public sealed class RoundQueriesCodeFix : CodeFixProvider
{
    private const string EquivalenceKey = nameof(RoundQueriesCodeFix);
    private const string FixValueProperty = "FixValue";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.QueriesNotSquare);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        // The generator computed the nearest valid count (the one its message names) and passed it as FixValue.
        if (root?.FindNode(context.Span) is not AttributeArgumentSyntax { NameEquals.Name.Identifier.ValueText: "Queries" } argument
            || argument.Span != context.Span
            || LiteralValue(argument.Expression) is null
            || context.Diagnostics.Select(d => d.Properties.TryGetValue(FixValueProperty, out var text) ? text : null).FirstOrDefault(t => t is not null) is not { } value
            || !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var replacement))
            return;

        context.RegisterCodeFix(
            CodeAction.Create(
                $"Use Queries = {replacement.ToString(CultureInfo.InvariantCulture)}",
                cancellation => ReplaceAsync(context.Document, root, argument.Expression, replacement, cancellation),
                EquivalenceKey),
            context.Diagnostics);
    }

    /// <summary>The value of an integer literal, optionally negated; null for anything else.</summary>
    private static int? LiteralValue(ExpressionSyntax expression) => expression switch
    {
        LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NumericLiteralExpression, Token.Value: int value } => value,
        PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression, Operand: LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NumericLiteralExpression, Token.Value: int value } }
            when value != int.MinValue => -value,
        _ => null,
    };

    private static Task<Document> ReplaceAsync(Document document, SyntaxNode root, ExpressionSyntax expression, int queries, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var literal = SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(queries))
            .WithTriviaFrom(expression);
        return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(expression, literal)));
    }
}
