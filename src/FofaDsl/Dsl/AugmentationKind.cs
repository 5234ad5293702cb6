namespace FofaDsl;

/// <summary>Training-time augmentation (method spec section 7). Evaluation always sees the plain images.</summary>
public enum AugmentationKind
{
    /// <summary>Random horizontal flips only (default).</summary>
    Flip,

    /// <summary>No augmentation.</summary>
    None,

    /// <summary>The paper's CNN-student recipe: random resized crop, flip, label smoothing.</summary>
    CnnRecipe,

    /// <summary>The paper's ViT/MLP-student recipe: random resized crop, flip, RandAugment m9 mstd0.5, random erasing 0.25, mixup 0.8, cutmix 1.0, label smoothing 0.1.</summary>
    VitRecipe,
}
