namespace FofaDsl.Generators.Model;

/// <summary>Everything the emitter needs for one experiment class; holds only values, never symbols or syntax.</summary>
internal sealed record ExperimentSpec(
    string? Namespace,
    string ClassName,
    string Name,
    int Seed,
    ModelSpec? Teacher,
    ModelSpec Student,
    FofaSpec Fofa,
    LossWeightsSpec Weights,
    ScheduleSpec Schedule,
    DataSpec Data,
    EquatableArray<RunSpec> Runs,
    string Device,
    string? Output,
    int CheckpointEverySteps)
{
    /// <summary>Deterministic hint name, <c>Namespace.Class.g.cs</c>.</summary>
    public bool HasFofaRun => System.Linq.Enumerable.Any(Runs, r => r.Kind == RunKind.Fofa);

    public string HintName => (Namespace is null ? ClassName : Namespace + "." + ClassName) + ".g.cs";
}
