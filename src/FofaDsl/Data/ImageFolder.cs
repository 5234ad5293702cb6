using System.Globalization;

namespace FofaDsl.Data;

/// <summary>
/// Reads an ImageNet-style folder tree, <c>root/&lt;class&gt;/&lt;image&gt;.(jpg|jpeg|png)</c>, into an
/// in-memory <see cref="ImageDataset"/>: the classes are the subfolder names in ordinal order (as
/// torchvision's <c>ImageFolder</c>), images may lie in nested folders of their class, and every
/// image is decoded with SkiaSharp, converted to RGB (or grayscale), resized and cropped as
/// <see cref="ImageFolderOptions"/> says. Decoding runs in parallel.
/// </summary>
/// <remarks>
/// The whole data set is held in memory as bytes (one <see cref="ImageDataset"/> is at most about
/// 2 GB: some 14,000 images at 224x224 RGB), so this is for subsets and small data sets, not
/// the full ImageNet. Labels are bytes: at most <see cref="MaxClasses"/> classes. Hidden entries
/// (names starting with '.') are skipped; EXIF orientation is not applied (as with PIL).
/// </remarks>
public static class ImageFolder
{
    /// <summary>Most classes a data set can have: its labels are bytes.</summary>
    public const int MaxClasses = 256;

    private static readonly string[] ExtensionList = [".jpg", ".jpeg", ".png"];

    /// <summary>The file extensions read as images (compared ignoring case).</summary>
    public static IReadOnlyList<string> Extensions => ExtensionList;

    /// <summary>
    /// Finds the classes and image files under <paramref name="root"/> without decoding anything.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="root"/> does not exist.</exception>
    /// <exception cref="DatasetFormatException">There are no class folders, a class folder has no image, or there are more than <see cref="MaxClasses"/> classes.</exception>
    public static ImageFolderScan Scan(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"Image folder '{root}' does not exist; pass the folder that holds one subfolder per class.");

        var ignored = Directory.EnumerateFiles(root).Where(file => !IsHidden(file)).ToList();
        var classFolders = Directory.EnumerateDirectories(root).Where(folder => !IsHidden(folder))
            .OrderBy(folder => Path.GetFileName(folder), StringComparer.Ordinal).ToArray();
        if (classFolders.Length == 0)
        {
            string loose = ignored.Count(IsImageFile) is int count and > 0
                ? Invariant($" It holds {count} image file(s) directly: move them into one subfolder per class.")
                : "";
            throw new DatasetFormatException(
                $"{root}: no class folders; an image folder holds one subfolder per class, e.g. {Path.Combine(root, "cat", "1.jpg")}.{loose}",
                root);
        }
        if (classFolders.Length > MaxClasses)
        {
            throw new DatasetFormatException(
                Invariant($"{root}: {classFolders.Length} class folders, more than the {MaxClasses} an ImageDataset can label (its labels are bytes); ") +
                "load a subset of the classes (copy or link them into another folder).",
                root);
        }

        var images = new List<(string Path, byte Label)>();
        for (int label = 0; label < classFolders.Length; label++)
        {
            var files = Directory.EnumerateFiles(classFolders[label], "*", SearchOption.AllDirectories)
                .Where(file => !IsHidden(file))
                .OrderBy(file => file, StringComparer.Ordinal).ToArray();
            var classImages = files.Where(IsImageFile).ToArray();
            if (classImages.Length == 0)
            {
                throw new DatasetFormatException(
                    Invariant($"{classFolders[label]}: class folder '{Path.GetFileName(classFolders[label])}' has no .jpg, .jpeg or .png image") +
                    Invariant($" ({files.Length} other file(s)); add its images or remove the folder."),
                    classFolders[label]);
            }
            images.AddRange(classImages.Select(file => (file, (byte)label)));
            ignored.AddRange(files.Where(file => !IsImageFile(file)));
        }

        return new ImageFolderScan(
            root, [.. classFolders.Select(folder => Path.GetFileName(folder))], [.. images], [.. ignored.Order(StringComparer.Ordinal)]);
    }

    /// <summary>
    /// Scans <paramref name="root"/> and decodes every image into a data set; when files were
    /// skipped, <paramref name="log"/> is told how many, with an example.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="root"/> does not exist.</exception>
    /// <exception cref="DatasetFormatException">The tree is not a class-per-folder tree, or an image cannot be decoded; the message names the file.</exception>
    public static ImageDataset Load(string root, ImageFolderOptions? options = null, Action<string>? log = null)
    {
        var scan = Scan(root);
        if (scan.IgnoredFiles.Count > 0)
        {
            log?.Invoke(
                Invariant($"ImageFolder '{root}': ignored {scan.IgnoredFiles.Count} file(s) that are not .jpg/.jpeg/.png in a class folder, ") +
                $"e.g. {scan.IgnoredFiles[0]}");
        }
        return Load(scan, options);
    }

    /// <summary>Decodes the images of <paramref name="scan"/> into a data set, in the scan's order.</summary>
    /// <exception cref="DatasetFormatException">An image cannot be decoded; the message names the file (and counts any others).</exception>
    /// <exception cref="InvalidOperationException">The images would need more bytes than one data set can hold.</exception>
    public static ImageDataset Load(ImageFolderScan scan, ImageFolderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scan);
        options ??= new ImageFolderOptions();
        options.Validate();

        long imageBytes = (long)options.Channels * options.ImageSize * options.ImageSize;
        long totalBytes = imageBytes * scan.Images.Count;
        if (totalBytes > Array.MaxLength)
        {
            throw new InvalidOperationException(
                Invariant($"{scan.Images.Count} images of {options.Channels}x{options.ImageSize}x{options.ImageSize} need {totalBytes / 1e9:F1} GB, ") +
                Invariant($"more than one in-memory ImageDataset holds ({Array.MaxLength / 1e9:F1} GB); use a smaller ImageSize or fewer images."));
        }

        var pixels = new byte[totalBytes];
        var labels = new byte[scan.Images.Count];
        var failures = new Exception?[scan.Images.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism };
        Parallel.For(0, scan.Images.Count, parallel, i =>
        {
            var (path, label) = scan.Images[i];
            labels[i] = label;
            try
            {
                ImageFileDecoder.DecodeInto(path, options, pixels.AsSpan((int)(i * imageBytes), (int)imageBytes));
            }
            catch (Exception e) when (e is DatasetFormatException or IOException or UnauthorizedAccessException)
            {
                // Collected, not thrown: the report names the first bad file in order, whichever thread met it.
                failures[i] = e;
            }
        });

        ThrowIfAnyFailed(scan, failures);
        return ImageDataset.Wrap(
            pixels, labels, options.Channels, options.ImageSize, options.ImageSize, scan.ClassNames,
            options.ResolvedChannelMean(), options.ResolvedChannelStd());
    }

    private static void ThrowIfAnyFailed(ImageFolderScan scan, Exception?[] failures)
    {
        int first = Array.FindIndex(failures, failure => failure is not null);
        if (first < 0)
            return;

        var failure = failures[first]!;
        string path = scan.Images[first].Path;
        int others = failures.Count(f => f is not null) - 1;
        string message = failure is DatasetFormatException ? failure.Message : $"{path}: could not be read ({failure.Message}).";
        if (others > 0)
            message += Invariant($" {others} more image(s) under '{scan.Root}' failed too.");
        throw new DatasetFormatException(message, path, failure);
    }

    private static bool IsImageFile(string path) =>
        ExtensionList.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    private static bool IsHidden(string path) => Path.GetFileName(path).StartsWith('.');

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
