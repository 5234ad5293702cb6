namespace FofaDsl;

/// <summary>
/// Marks a <c>partial class</c> as a FOFA distillation experiment. The FofaDsl source generator
/// reads this and the other experiment attributes on the class (<see cref="TeacherAttribute"/>,
/// <see cref="StudentAttribute"/>, <see cref="FofaAttribute"/>, <see cref="LossWeightsAttribute"/>,
/// <see cref="ScheduleAttribute"/>, <see cref="DataAttribute"/>), checks the whole distillation
/// graph at compile time and emits typed modules, the training step and a
/// <c>RunAsync(string[] args)</c> entry point into the class.
/// </summary>
/// <example>
/// <code>
/// [Experiment(Seed = 7)]
/// [Teacher(Architecture.VisionTransformer, PatchSize = 4, EmbedDim = 96, Depth = 6, Heads = 3)]
/// [Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16)]
/// [Fofa(Queries = 64, TokenWidth = 128, Heads = 4)]
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
}
