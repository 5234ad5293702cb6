namespace FofaDsl.Augmentation;

/// <summary>A rectangle of an image in pixels: rows <c>[Top, Top + Height)</c>, columns <c>[Left, Left + Width)</c>.</summary>
/// <param name="Top">First row.</param>
/// <param name="Left">First column.</param>
/// <param name="Height">Number of rows.</param>
/// <param name="Width">Number of columns.</param>
public readonly record struct CropBox(int Top, int Left, int Height, int Width)
{
    /// <summary>Number of pixels covered.</summary>
    public int Area => Height * Width;
}
