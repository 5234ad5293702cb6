namespace FofaDsl.Augmentation;

/// <summary>What <see cref="RandomErasing"/> writes into the erased rectangle (timm's <c>mode</c>).</summary>
public enum ErasingMode
{
    /// <summary>Zeros: the mean colour of a normalised image (timm <c>const</c>).</summary>
    Constant,

    /// <summary>One standard-normal value per channel (timm <c>rand</c>).</summary>
    PerChannel,

    /// <summary>A standard-normal value per pixel and channel (timm <c>pixel</c>).</summary>
    Pixel,
}
