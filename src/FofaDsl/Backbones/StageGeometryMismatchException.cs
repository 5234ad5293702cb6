namespace FofaDsl.Backbones;

/// <summary>
/// A user model's stages are not what its declaration says: a <see cref="Stages.StageGeometryAttribute"/> that its
/// properties contradict, or a <c>[Tap]</c> whose stage output has another shape. The generated program reports it
/// as an error naming the stage and the fix, with exit code 1.
/// </summary>
public sealed class StageGeometryMismatchException(string message) : Exception(message);
