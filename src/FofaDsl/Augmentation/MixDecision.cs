namespace FofaDsl.Augmentation;

/// <summary>How one batch is mixed by <see cref="MixupCutmix"/>.</summary>
/// <param name="Lambda">Weight of the original images and labels; 1 means no mixing. For CutMix it is already corrected to the pasted area.</param>
/// <param name="UseCutmix">Whether a box is pasted (CutMix) rather than the images blended (Mixup).</param>
/// <param name="Box">The pasted box for CutMix, clipped to the image; null for Mixup.</param>
public readonly record struct MixDecision(double Lambda, bool UseCutmix, CropBox? Box);
