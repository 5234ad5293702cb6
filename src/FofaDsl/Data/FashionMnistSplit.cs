namespace FofaDsl.Data;

/// <summary>Which Fashion-MNIST split to load.</summary>
public enum FashionMnistSplit
{
    /// <summary>The training split (<c>train-*</c> files; 60,000 images in full).</summary>
    Train,

    /// <summary>The test split (<c>t10k-*</c> files; 10,000 images in full).</summary>
    Test,
}
