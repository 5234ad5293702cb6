namespace FofaDsl;

/// <summary>
/// The frozen teacher of a distillation experiment. When no weights are given, the generated
/// program first trains it with plain supervision for <see cref="ScheduleAttribute.TeacherEpochs"/>.
/// </summary>
/// <example><c>[Teacher(Architecture.DeiTTiny, PatchSize = 4, EmbedDim = 96, Depth = 6, Heads = 3)]</c></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class TeacherAttribute : ModelAttribute
{
    /// <summary>Declares the teacher as an <paramref name="architecture"/> model.</summary>
    public TeacherAttribute(Architecture architecture) : base(architecture) { }

    /// <summary>Declares the teacher as a user's own model type (see <see cref="ModelAttribute(System.Type)"/>).</summary>
    public TeacherAttribute(Type modelType) : base(modelType) { }
}
