namespace FofaDsl;

/// <summary>
/// Marks a <c>partial class</c> as a FOFA distillation experiment. The FofaDsl source generator
/// reads this and the other experiment attributes on the class (<see cref="TeacherAttribute"/>,
/// <see cref="StudentAttribute"/>, <see cref="LossWeightsAttribute"/>, <see cref="ScheduleAttribute"/>,
/// <see cref="DataAttribute"/>, <see cref="TapAttribute"/>) and its methods (<see cref="ScratchAttribute"/>,
/// <see cref="FofaAttribute"/>, <see cref="KdAttribute"/>, <see cref="DkdAttribute"/>, <see cref="DistAttribute"/>,
/// <see cref="FitNetAttribute"/>, <see cref="OfaAttribute"/>, <see cref="CcAttribute"/>, <see cref="RkdAttribute"/>,
/// <see cref="CrdAttribute"/>), checks the whole distillation graph at compile time and emits typed
/// modules, a training step per method and a <c>RunAsync(string[] args)</c> entry point into the class.
/// </summary>
/// <remarks>
/// The methods run in declaration order, each from the same seed. A class that declares no method runs
/// <c>scratch</c>, <c>kd</c> and <c>fofa</c> (only <c>scratch</c> without a teacher).
/// </remarks>
/// <example>
/// <code>
/// [Experiment(Seed = 7)]
/// [Teacher(Architecture.DeiTTiny, PatchSize = 4, EmbedDim = 96, Depth = 6, Heads = 3)]
/// [Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16)]
/// [Scratch, Kd(Temperature = 4), Fofa(Queries = 64, TokenWidth = 128, Heads = 4)]
/// [Data(DatasetKind.FashionMnist)]
/// public partial class Quickstart;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ExperimentAttribute : Attribute
{
    /// <summary>
    /// Seed for every random choice of a run: weight initialisation, data order, dropout.
    /// The same seed on the same machine (CPU) gives the same numbers. Default 0.
    /// </summary>
    public int Seed { get; set; }

    /// <summary>Name used for the output folder and in reports; defaults to the class name.</summary>
    public string? Name { get; set; }

    /// <summary>Device to train on: <c>auto</c> (CUDA when available; the default), <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>. Overridable with <c>--device</c>.</summary>
    public string Device { get; set; } = "auto";

    /// <summary>Output folder of runs (checkpoints, metrics, plots, exports); default <c>runs/&lt;Name&gt;</c>. Overridable with <c>--out</c>.</summary>
    public string? Output { get; set; }

    /// <summary>Also write the "last" checkpoint every this many optimizer steps (0, the default: at epoch ends only). Overridable with <c>--checkpoint-every</c>.</summary>
    public int CheckpointEverySteps { get; set; }
}
