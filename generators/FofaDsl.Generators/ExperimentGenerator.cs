using FofaDsl.Generators.Emitting;
using FofaDsl.Generators.Model;
using FofaDsl.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FofaDsl.Generators;

/// <summary>
/// Generates, for every <c>[Experiment]</c> partial class, its resolved <c>Spec</c>, typed model factories,
/// one training-step factory per run and the <c>RunAsync</c> entry point.
/// Pipeline: ForAttributeWithMetadataName -> parse + validate (equatable <see cref="ParseResult"/>)
/// -> diagnostics and source on separate outputs.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ExperimentGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, for incremental-generation tests.</summary>
    public static class Steps
    {
        /// <summary>Parsed and validated experiments.</summary>
        public const string Experiments = "Experiments";

        /// <summary>Diagnostics of each experiment.</summary>
        public const string Diagnostics = "Diagnostics";

        /// <summary>Experiment models to emit.</summary>
        public const string Models = "Models";
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var experiments = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.Experiment,
                static (node, _) => node is ClassDeclarationSyntax,
                static (ctx, ct) => ExperimentParser.Parse(ctx, ct))
            .WithTrackingName(Steps.Experiments);

        var diagnostics = experiments
            .Select(static (result, _) => result.Diagnostics)
            .Where(static items => items.Count > 0)
            .WithTrackingName(Steps.Diagnostics);
        // Reported in the compilation's own syntax trees, so #pragma warning and .editorconfig severities apply. Only the
        // experiments that have diagnostics read the compilation (to find the current tree of each location); parsing,
        // emitting and every clean experiment stay cached across edits.
        context.RegisterSourceOutput(diagnostics.Combine(context.CompilationProvider), static (spc, pair) =>
        {
            foreach (var item in pair.Left) spc.ReportDiagnostic(item.ToDiagnostic(pair.Right));
        });

        var models = experiments
            .Where(static result => result.Experiment is not null)
            .Select(static (result, _) => result.Experiment!)
            .WithTrackingName(Steps.Models);
        context.RegisterSourceOutput(models, static (spc, spec) => spc.AddSource(spec.HintName, ExperimentEmitter.Emit(spec)));
    }
}
