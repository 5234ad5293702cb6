namespace FofaDsl;

/// <summary>Optimizers the generated training loop can use.</summary>
public enum OptimizerKind
{
    /// <summary>AdamW (decoupled weight decay); the paper's choice for ViT and MLP students.</summary>
    AdamW,

    /// <summary>SGD with momentum; the paper's choice for CNN students.</summary>
    Sgd,
}
