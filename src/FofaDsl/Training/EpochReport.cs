namespace FofaDsl.Training;

/// <summary>Mean loss terms of one epoch and the accuracy after it.</summary>
public sealed record EpochReport(int Epoch, IReadOnlyDictionary<string, double> MeanTerms, double TestTop1, TimeSpan Elapsed);
