using FofaDsl.Backbones;

namespace FofaDsl.Hosting;

/// <summary>What a method's step is built from.</summary>
/// <param name="Teacher">The trained, frozen teacher, or null when the run has none.</param>
/// <param name="Student">A fresh student.</param>
/// <param name="TrainingSamples">Size of the training set (CRD's memory bank has a slot per sample).</param>
public sealed record MethodContext(StagedBackbone? Teacher, StagedBackbone Student, int TrainingSamples)
{
    /// <summary>The teacher; throws when the run has none (the generator rejects such declarations, so this is a host bug).</summary>
    public StagedBackbone RequireTeacher() =>
        Teacher ?? throw new InvalidOperationException("This method distils from a teacher, but the run has none.");
}
