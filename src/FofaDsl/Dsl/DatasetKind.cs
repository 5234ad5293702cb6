namespace FofaDsl;

/// <summary>Datasets an experiment can train on.</summary>
public enum DatasetKind
{
    /// <summary>
    /// Fashion-MNIST: 28x28 grey images, 10 classes. Without a path, a class-balanced subset
    /// embedded in FofaDsl is used; with a path, the IDX files in that folder (Debian's
    /// <c>dataset-fashion-mnist</c> installs them in <c>/usr/share/datasets/fashion-mnist</c>).
    /// </summary>
    FashionMnist,
}
