namespace FofaDsl.Generators.Model;

/// <summary>Resolved <c>[LossWeights]</c>.</summary>
internal sealed record LossWeightsSpec(
    double CrossEntropy,
    double LogitKd,
    double Feature,
    double PromptRegularisation,
    double Temperature,
    double LabelSmoothing);
