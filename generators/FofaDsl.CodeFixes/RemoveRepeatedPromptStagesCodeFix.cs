using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FofaDsl.CodeFixes;

/// <summary>
/// FOFA005 "Prompt stage outside 1..4 or repeated", the repeated case only: removes every later
/// occurrence of a stage from <c>[Fofa(PromptStages = ...)]</c>, keeping the first, since listing a stage
/// twice cannot mean anything else. A stage outside 1..4 gets no fix: it may be a typo for any stage.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveRepeatedPromptStagesCodeFix)), Shared]
public sealed class RemoveRepeatedPromptStagesCodeFix : CodeFixProvider
{
    private const string EquivalenceKey = nameof(RemoveRepeatedPromptStagesCodeFix);

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.PromptStageInvalid);

    /// <summary>
    /// Every repeat in an array reports its own FOFA005 at the same argument: fixing all rewrites each
    /// argument once instead of merging identical edits.
    /// </summary>
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixDocumentAsync);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null || FindArgument(root, context.Span) is not { } argument) return;
        if (RepeatedIndices(argument, model, context.CancellationToken).Count == 0) return;

        context.RegisterCodeFix(
            CodeAction.Create(
                "Remove repeated prompt stages",
                cancellation => Task.FromResult(context.Document.WithSyntaxRoot(RemoveRepeats(root, model, new[] { argument }, cancellation))),
                EquivalenceKey),
            context.Diagnostics);
    }

    private static async Task<Document?> FixDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null) return document;
        var arguments = diagnostics
            .Select(d => FindArgument(root, d.Location.SourceSpan))
            .OfType<AttributeArgumentSyntax>()
            .Distinct()
            .ToList();
        return document.WithSyntaxRoot(RemoveRepeats(root, model, arguments, context.CancellationToken));
    }

    /// <summary>The <c>PromptStages = ...</c> argument the diagnostic points at, or null for a stale location.</summary>
    private static AttributeArgumentSyntax? FindArgument(SyntaxNode root, Microsoft.CodeAnalysis.Text.TextSpan span) =>
        root.FullSpan.Contains(span)
        && root.FindNode(span) is AttributeArgumentSyntax { NameEquals.Name.Identifier.ValueText: "PromptStages" } argument
        && argument.Span == span
            ? argument
            : null;

    private static SyntaxNode RemoveRepeats(SyntaxNode root, SemanticModel model, IEnumerable<AttributeArgumentSyntax> arguments, CancellationToken cancellation) =>
        root.ReplaceNodes(arguments, (original, rewritten) =>
        {
            // The indices come from the original node, which the semantic model knows.
            var repeats = RepeatedIndices(original, model, cancellation);
            return repeats.Count == 0 ? rewritten : rewritten.WithExpression(WithoutElements(rewritten.Expression, repeats.Contains));
        });

    /// <summary>Indices of the elements whose constant value already occurred earlier in the array.</summary>
    private static HashSet<int> RepeatedIndices(AttributeArgumentSyntax argument, SemanticModel model, CancellationToken cancellation)
    {
        var repeats = new HashSet<int>();
        if (Elements(argument.Expression) is not { } elements) return repeats;
        var seen = new HashSet<int>();
        for (var i = 0; i < elements.Count; i++)
        {
            if (elements[i] is { } element && model.GetConstantValue(element, cancellation) is { HasValue: true, Value: int stage } && !seen.Add(stage))
                repeats.Add(i);
        }
        return repeats;
    }

    /// <summary>
    /// The element expressions of <c>new[] { ... }</c>, <c>new int[] { ... }</c> or <c>[ ... ]</c>
    /// (null for a spread element); null when the value is written some other way.
    /// </summary>
    private static IReadOnlyList<ExpressionSyntax?>? Elements(ExpressionSyntax expression) => expression switch
    {
        ImplicitArrayCreationExpressionSyntax implicitArray => implicitArray.Initializer.Expressions,
        ArrayCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions,
        CollectionExpressionSyntax collection => collection.Elements.Select(e => (e as ExpressionElementSyntax)?.Expression).ToList(),
        _ => null,
    };

    private static ExpressionSyntax WithoutElements(ExpressionSyntax expression, System.Func<int, bool> remove) => expression switch
    {
        ImplicitArrayCreationExpressionSyntax implicitArray => implicitArray.WithInitializer(
            implicitArray.Initializer.WithExpressions(SeparatedLists.RemoveWhere(implicitArray.Initializer.Expressions, remove))),
        ArrayCreationExpressionSyntax { Initializer: { } initializer } array => array.WithInitializer(
            initializer.WithExpressions(SeparatedLists.RemoveWhere(initializer.Expressions, remove))),
        CollectionExpressionSyntax collection => collection.WithElements(SeparatedLists.RemoveWhere(collection.Elements, remove)),
        _ => expression,
    };
}
