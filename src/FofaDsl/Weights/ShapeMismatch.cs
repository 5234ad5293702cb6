namespace FofaDsl.Weights;

/// <summary>A tensor present in both the model and the file, but with different shapes.</summary>
/// <param name="Name">The model's state-dict name (after any renaming).</param>
/// <param name="ModelShape">The shape the model expects.</param>
/// <param name="FileShape">The shape stored in the file.</param>
public sealed record ShapeMismatch(string Name, long[] ModelShape, long[] FileShape)
{
    /// <summary>One line for error messages: <c>name: model [a, b], file [c, d]</c>.</summary>
    public override string ToString() =>
        $"{Name}: model {WeightShapes.Format(ModelShape)}, file {WeightShapes.Format(FileShape)}";
}
