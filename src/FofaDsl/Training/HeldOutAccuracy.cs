namespace FofaDsl.Training;

/// <summary>Accuracy of a classifier on a held-out split.</summary>
/// <param name="Top1">Fraction whose highest logit is the true class.</param>
/// <param name="Top5">Fraction whose true class is among the five highest logits; null with five classes or fewer.</param>
/// <param name="Images">Images evaluated.</param>
public sealed record HeldOutAccuracy(double Top1, double? Top5, int Images);
