namespace FofaDsl.Generators.Model;

/// <summary>Everything the emitter needs for one experiment class; holds only values, never symbols or syntax.</summary>
internal sealed record ExperimentSpec(
    string? Namespace,
    string ClassName,
    string Name,
    int Seed,
    ModelSpec? Teacher,
    ModelSpec Student,
    LossWeightsSpec Weights,
    ScheduleSpec Schedule,
    DataSpec Data,
    EquatableArray<RunSpec> Runs,
    string Device,
    string? Output,
    int CheckpointEverySteps)
{
    /// <summary>Whether any run is a FOFA run (and so needs the distillation graph).</summary>
    public bool HasFofaRun => System.Linq.Enumerable.Any(Runs, r => r.Kind == RunKind.Fofa);

    /// <summary>The settings of every FOFA run, in declaration order.</summary>
    public System.Collections.Generic.IEnumerable<FofaSpec> FofaSettings =>
        System.Linq.Enumerable.Select(System.Linq.Enumerable.Where(Runs, r => r.Fofa is not null), r => r.Fofa!);

    /// <summary>Deterministic hint name, <c>Namespace.Class.g.cs</c>.</summary>

    public string HintName => (Namespace is null ? ClassName : Namespace + "." + ClassName) + ".g.cs";
}
