namespace FofaDsl;

/// <summary>The backbone families a teacher or student can be built from.</summary>
public enum Architecture
{
    /// <summary>
    /// ResNet18 (torchvision layout, BasicBlocks 2-2-2-2). Knobs: <see cref="ModelAttribute.Stem"/>,
    /// <see cref="ModelAttribute.BaseWidth"/>. Stages are layer1..layer4 (spatial maps).
    /// </summary>
    ResNet18,

    /// <summary>
    /// Vision Transformer / DeiT (timm layout, class token). Knobs: <see cref="ModelAttribute.PatchSize"/>,
    /// <see cref="ModelAttribute.EmbedDim"/>, <see cref="ModelAttribute.Depth"/>, <see cref="ModelAttribute.Heads"/>.
    /// Stages end after blocks 1, 3, 9, 11 at depth 12 (scaled for other depths): token sequences.
    /// </summary>
    VisionTransformer,
}
