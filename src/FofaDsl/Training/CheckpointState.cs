namespace FofaDsl.Training;

/// <summary>Where a run stands: what a checkpoint records besides tensors.</summary>
/// <param name="Fingerprint">Identifies the experiment and method; a checkpoint of another is refused.</param>
/// <param name="CompletedEpochs">Epochs finished.</param>
/// <param name="StepInEpoch">Optimizer steps done in the epoch under way.</param>
/// <param name="GlobalStep">Optimizer steps done in all.</param>
/// <param name="BestTop1">Best held-out top-1 after an epoch so far.</param>
/// <param name="History">One report per finished epoch.</param>
/// <param name="EpochSums">Sums of each loss term over the steps done in the epoch under way (its means survive a resume).</param>
public sealed record CheckpointState(string Fingerprint, int CompletedEpochs, int StepInEpoch, long GlobalStep, double BestTop1,
    IReadOnlyList<EpochReport> History, IReadOnlyDictionary<string, double> EpochSums);
