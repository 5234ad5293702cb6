namespace FofaDsl.Training;

/// <summary>Outcome of one training run.</summary>
/// <param name="Method">The method's name.</param>
/// <param name="TestTop1">Held-out top-1 after the last finished epoch (0 when none finished).</param>
/// <param name="WallTime">Training time, including the time before a resume.</param>
/// <param name="Epochs">One report per finished epoch.</param>
/// <param name="Completed">False when the run stopped early (<see cref="TrainingLoop.StopAfterSteps"/>); its last checkpoint resumes it.</param>
public sealed record TrainingResult(string Method, double TestTop1, TimeSpan WallTime, IReadOnlyList<EpochReport> Epochs, bool Completed = true);
