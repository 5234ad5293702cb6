namespace FofaDsl.Training;

/// <summary>Outcome of one training run.</summary>
public sealed record TrainingResult(string Method, double TestTop1, TimeSpan WallTime, IReadOnlyList<EpochReport> Epochs);
