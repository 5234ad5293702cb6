using FofaDsl.Generators.Emitting;
using FofaDsl.Generators.Model;
using FofaDsl.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FofaDsl.Generators;

/// <summary>
/// Generates, for every <c>[Experiment]</c> partial class, its typed FOFA distillation graph,
/// stage-feature records, resolved <c>Spec</c> and <c>RunAsync</c> entry point.
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
            .WithTrackingName(Steps.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (spc, items) =>
        {
            foreach (var item in items) spc.ReportDiagnostic(item.ToDiagnostic());
        });

        var models = experiments
            .Where(static result => result.Experiment is not null)
            .Select(static (result, _) => result.Experiment!)
            .WithTrackingName(Steps.Models);
        context.RegisterSourceOutput(models, static (spc, spec) => spc.AddSource(spec.HintName, ExperimentEmitter.Emit(spec)));
    }
}
