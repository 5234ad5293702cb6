namespace FofaDsl;

/// <summary>The student of a distillation experiment: the model that is trained and kept.</summary>
/// <example><c>[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16)]</c></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class StudentAttribute : ModelAttribute
{
    /// <summary>Declares the student as an <paramref name="architecture"/> model.</summary>
    public StudentAttribute(Architecture architecture) : base(architecture) { }

    /// <summary>Declares the student as a user's own model type (see <see cref="ModelAttribute(System.Type)"/>).</summary>
    public StudentAttribute(Type modelType) : base(modelType) { }
}
