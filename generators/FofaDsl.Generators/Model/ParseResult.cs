namespace FofaDsl.Generators.Model;

/// <summary>What parsing one experiment class gives: a model to emit (null when it has errors) and its diagnostics.</summary>
internal sealed record ParseResult(ExperimentSpec? Experiment, EquatableArray<DiagnosticInfo> Diagnostics);
