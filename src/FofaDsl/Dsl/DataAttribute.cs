namespace FofaDsl;

/// <summary>The dataset and the image size models see. Omit it for the embedded Fashion-MNIST subset at 28 pixels.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class DataAttribute : Attribute
{
    /// <summary>Declares the dataset.</summary>
    public DataAttribute(DatasetKind dataset) => Dataset = dataset;

    /// <summary>The dataset.</summary>
    public DatasetKind Dataset { get; }

    /// <summary>Folder with the dataset files; null (default) uses the subset embedded in FofaDsl. Overridable with <c>--data</c>.</summary>
    public string? Path { get; set; }

    /// <summary>Side of the square images fed to both models; images are resized when it differs from the dataset's. 0 (default) keeps the dataset's size.</summary>
    public int ImageSize { get; set; }

    /// <summary>Training augmentation. Default <see cref="AugmentationKind.Flip"/>. Overridable with <c>--augmentation</c>.</summary>
    public AugmentationKind Augmentation { get; set; } = AugmentationKind.Flip;

    /// <summary>Number of classes: required for <see cref="DatasetKind.ImageFolder"/> (checked against the folders at run time); the other datasets fix it.</summary>
    public int Classes { get; set; }

    /// <summary>Use at most this many training images (0 = all), taken class-balanced; handy for smoke runs. Overridable with <c>--train-limit</c>.</summary>
    public int TrainLimit { get; set; }
}
