namespace FofaDsl.Data;

/// <summary>Which of the two labels of every CIFAR-100 record becomes the <see cref="ImageDataset"/> label.</summary>
public enum Cifar100Labels
{
    /// <summary>The 100 fine classes (<c>fine_label_names.txt</c>), the usual benchmark.</summary>
    Fine,

    /// <summary>The 20 coarse superclasses (<c>coarse_label_names.txt</c>).</summary>
    Coarse,
}
