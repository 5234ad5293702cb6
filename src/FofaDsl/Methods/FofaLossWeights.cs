namespace FofaDsl.Methods;

/// <summary>
/// Weights of the FOFA objective (method spec section 2 (8)) and the settings of its terms.
/// </summary>
/// <param name="CrossEntropy">Weight of the student's label cross-entropy.</param>
/// <param name="LogitKd">Weight of the logit distillation from the plain teacher.</param>
/// <param name="Feature">Weight of the feature distillation (sum of per-stage HCL).</param>
/// <param name="PromptRegularisation">Weight of the KL between plain and prompted teacher predictions.</param>
/// <param name="Temperature">Temperature of the logit distillation.</param>
/// <param name="LabelSmoothing">Label smoothing of the cross-entropy (0.1 in the paper's recipes).</param>
public sealed record FofaLossWeights(
    double CrossEntropy = 1.0,
    double LogitKd = 1.0,
    double Feature = 1.0,
    double PromptRegularisation = 1.0,
    double Temperature = 1.0,
    double LabelSmoothing = 0.1)
{
    /// <summary>Throws <see cref="ArgumentException"/> for a negative or non-finite weight, a non-positive temperature or a smoothing outside [0, 1).</summary>
    public void Validate()
    {
        Check(CrossEntropy, nameof(CrossEntropy));
        Check(LogitKd, nameof(LogitKd));
        Check(Feature, nameof(Feature));
        Check(PromptRegularisation, nameof(PromptRegularisation));
        if (!(Temperature > 0) || double.IsInfinity(Temperature))
            throw new ArgumentException($"Temperature = {Temperature} must be a positive finite number.", nameof(Temperature));
        if (!(LabelSmoothing >= 0 && LabelSmoothing < 1))
            throw new ArgumentException($"LabelSmoothing = {LabelSmoothing} must lie in [0, 1).", nameof(LabelSmoothing));
    }

    private static void Check(double weight, string name)
    {
        if (!(weight >= 0) || double.IsInfinity(weight))
            throw new ArgumentException($"{name} = {weight} must be a non-negative finite weight.", name);
    }
}
