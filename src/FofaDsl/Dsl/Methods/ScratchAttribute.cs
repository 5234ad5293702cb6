namespace FofaDsl;

/// <summary>
/// Plain supervised training of the student, no teacher: the "from scratch" column of the paper's
/// tables. Declared alone with a <see cref="StudentAttribute"/> and no teacher, it is how a teacher is
/// trained. Run name <c>scratch</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ScratchAttribute : Attribute
{
}
