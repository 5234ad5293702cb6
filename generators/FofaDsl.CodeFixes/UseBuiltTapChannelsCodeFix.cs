using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FofaDsl.CodeFixes;

/// <summary>
/// FOFA024 "Tap geometry contradicts the model's code": sets the tap's <c>Channels</c> to the output channels
/// the model's constructor builds the member with. The generator read that value from the code and passes it
/// in the diagnostic's <c>FixValue</c> property; tapping another member instead is left to the user.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseBuiltTapChannelsCodeFix)), Shared]
public sealed class UseBuiltTapChannelsCodeFix : CodeFixProvider
{
    private const string EquivalenceKey = nameof(UseBuiltTapChannelsCodeFix);
    private const string FixValueProperty = "FixValue";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.TapGeometryMismatch);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindNode(context.Span) is not AttributeArgumentSyntax { NameEquals.Name.Identifier.ValueText: "Channels" } argument
            || argument.Span != context.Span)
            return;

        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(FixValueProperty, out var text)
                || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var channels))
                continue;
            var literal = SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(channels))
                .WithTriviaFrom(argument.Expression);
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Use Channels = {channels.ToString(CultureInfo.InvariantCulture)}",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(argument.Expression, literal))),
                    EquivalenceKey),
                diagnostic);
        }
    }
}
