namespace FofaDsl;

/// <summary>
/// Weights of the total loss <c>w_ce*CE + w_kl*L_KL + w_fd*L_FD + w_reg*L_Reg</c>, the KD
/// temperature and the label smoothing of the cross-entropy. Weights must be finite, non-negative
/// and not all zero.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LossWeightsAttribute : Attribute
{
    /// <summary>Weight of the cross-entropy with the labels. Default 1.</summary>
    public double CrossEntropy { get; set; } = 1;

    /// <summary>Weight of the logit distillation loss L_KL. Default 1.</summary>
    public double LogitKd { get; set; } = 1;

    /// <summary>Weight of the feature loss L_FD (HCL over the four stages). Default 1.</summary>
    public double Feature { get; set; } = 1;

    /// <summary>Weight of the prompt regularisation L_Reg. Default 1.</summary>
    public double PromptRegularisation { get; set; } = 1;

    /// <summary>Softmax temperature T of L_KL; must be positive. Default 1.</summary>
    public double Temperature { get; set; } = 1;

    /// <summary>Label smoothing of the cross-entropy, in [0, 1). Default 0.1 (the paper's recipes).</summary>
    public double LabelSmoothing { get; set; } = 0.1;
}
