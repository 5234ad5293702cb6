namespace FofaDsl.Data;

/// <summary>
/// Fashion-MNIST (Zalando SE, MIT licence): 28x28 grayscale images of 10 kinds of clothing.
/// <see cref="Load"/> reads the full data set from a directory of IDX files;
/// <see cref="LoadEmbedded"/> reads the class-balanced subset bundled with FofaDsl
/// (800 training and 200 test images per class), which needs no download.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Mean of the training pixels scaled to [0, 1].</summary>
    public const float Mean = 0.2860f;

    /// <summary>Standard deviation of the training pixels scaled to [0, 1].</summary>
    public const float Std = 0.3530f;

    /// <summary>Image height and width in pixels.</summary>
    public const int ImageSize = 28;

    private const string InstallHint =
        "Fix: `sudo apt-get install dataset-fashion-mnist` (files at " + DefaultDirectory + "), " +
        "or copy the four *-ubyte.gz files from https://github.com/zalandoresearch/fashion-mnist there, " +
        "or use FashionMnist.LoadEmbedded for the bundled subset.";

    private const string EmbeddedResourcePrefix = "FofaDsl.Data.Embedded.";

    private static readonly string[] Names =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    // The embedded subset is immutable, so it is decompressed once per split.
    private static readonly Lazy<ImageDataset> EmbeddedTrain = new(() => ReadEmbedded(FashionMnistSplit.Train));
    private static readonly Lazy<ImageDataset> EmbeddedTest = new(() => ReadEmbedded(FashionMnistSplit.Test));

    /// <summary>The 10 class names, indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames => Names;

    /// <summary>
    /// The base names of the image and label files of <paramref name="split"/>, without the
    /// optional <c>.gz</c>: e.g. <c>train-images-idx3-ubyte</c> and <c>train-labels-idx1-ubyte</c>.
    /// </summary>
    public static (string Images, string Labels) FileNames(FashionMnistSplit split)
    {
        string prefix = split switch
        {
            FashionMnistSplit.Train => "train",
            FashionMnistSplit.Test => "t10k",
            _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown Fashion-MNIST split."),
        };
        return ($"{prefix}-images-idx3-ubyte", $"{prefix}-labels-idx1-ubyte");
    }

    /// <summary>
    /// Loads <paramref name="split"/> from <paramref name="directory"/>, which holds the IDX files
    /// gzipped (<c>*-ubyte.gz</c>, preferred) or raw (<c>*-ubyte</c>).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="FileNotFoundException">An image or label file is missing; the message names the directory and the files looked for.</exception>
    /// <exception cref="DatasetFormatException">A file is damaged or the two files do not match.</exception>
    public static ImageDataset Load(string directory, FashionMnistSplit split)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var (images, labels) = FileNames(split);
        string lookedFor = $"{images}(.gz) and {labels}(.gz)";
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException(
                $"Fashion-MNIST directory '{directory}' does not exist (looked for {lookedFor} there). {InstallHint}");
        }

        string imagesPath = FindFile(directory, images, lookedFor);
        string labelsPath = FindFile(directory, labels, lookedFor);
        return IdxReader.ReadDataset(imagesPath, labelsPath, Names, Mean, Std);
    }

    /// <summary>
    /// Loads <paramref name="split"/> of the subset embedded in FofaDsl: the first 800 training
    /// (or 200 test) images of each class, in their original order. The result is shared: the
    /// data set is immutable.
    /// </summary>
    public static ImageDataset LoadEmbedded(FashionMnistSplit split) => split switch
    {
        FashionMnistSplit.Train => EmbeddedTrain.Value,
        FashionMnistSplit.Test => EmbeddedTest.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown Fashion-MNIST split."),
    };

    private static string FindFile(string directory, string baseName, string lookedFor)
    {
        string gzipped = Path.Combine(directory, baseName + ".gz");
        if (File.Exists(gzipped))
            return gzipped;
        string raw = Path.Combine(directory, baseName);
        if (File.Exists(raw))
            return raw;
        foreach (string candidate in new[] { gzipped, raw })
        {
            if (Directory.Exists(candidate))
                throw new DatasetFormatException($"{candidate}: is a folder, not a file; the Fashion-MNIST file must be there instead. {InstallHint}", candidate);
        }
        throw new FileNotFoundException(
            $"Fashion-MNIST file {baseName}(.gz) is missing from '{directory}' (looked for {lookedFor}). {InstallHint}",
            gzipped);
    }

    private static ImageDataset ReadEmbedded(FashionMnistSplit split)
    {
        var (images, labels) = FileNames(split);
        using var imageStream = OpenEmbedded(images + ".gz");
        using var labelStream = OpenEmbedded(labels + ".gz");
        return IdxReader.ReadDataset(
            imageStream, "embedded " + images + ".gz", labelStream, "embedded " + labels + ".gz", Names, Mean, Std);
    }

    private static Stream OpenEmbedded(string fileName) =>
        typeof(FashionMnist).Assembly.GetManifestResourceStream(EmbeddedResourcePrefix + fileName)
        ?? throw new DatasetFormatException(
            $"The embedded resource {EmbeddedResourcePrefix + fileName} is missing from FofaDsl.dll; " +
            "the build lost src/FofaDsl/Data/Embedded/*.gz. Rebuild FofaDsl, or use FashionMnist.Load with the full data set.",
            fileName);
}
