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

    /// <summary>CIFAR-10 in its binary version (<c>data_batch_1..5.bin</c>, <c>test_batch.bin</c>, <c>batches.meta.txt</c>): 32x32 RGB, 10 classes. Needs <see cref="DataAttribute.Path"/>.</summary>
    Cifar10,

    /// <summary>CIFAR-100 in its binary version (<c>train.bin</c>, <c>test.bin</c>, <c>fine_label_names.txt</c>): 32x32 RGB, 100 fine classes. Needs <see cref="DataAttribute.Path"/>.</summary>
    Cifar100,

    /// <summary>
    /// An ImageNet-style tree <c>Path/train/&lt;class&gt;/*.jpg|png</c> and <c>Path/val/&lt;class&gt;/...</c>, decoded to RGB,
    /// shorter side resized to 8/7 of the image size and centre-cropped. Needs <see cref="DataAttribute.Path"/> and <see cref="DataAttribute.Classes"/>.
    /// </summary>
    ImageFolder,
}
