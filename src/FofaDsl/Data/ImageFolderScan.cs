namespace FofaDsl.Data;

/// <summary>
/// What <see cref="ImageFolder.Scan"/> found under a root folder: the classes (sorted subfolder
/// names), every JPEG/PNG file with its label, and the files it skipped.
/// </summary>
public sealed class ImageFolderScan
{
    private readonly string[] classNames;
    private readonly (string Path, byte Label)[] images;
    private readonly string[] ignoredFiles;

    internal ImageFolderScan(string root, string[] classNames, (string Path, byte Label)[] images, string[] ignoredFiles)
    {
        Root = root;
        this.classNames = classNames;
        this.images = images;
        this.ignoredFiles = ignoredFiles;
    }

    /// <summary>The folder that was scanned.</summary>
    public string Root { get; }

    /// <summary>The class names, indexed by label: the subfolder names in ordinal order.</summary>
    public IReadOnlyList<string> ClassNames => classNames;

    /// <summary>Every image file with its label, by class and then by path in ordinal order.</summary>
    public IReadOnlyList<(string Path, byte Label)> Images => images;

    /// <summary>
    /// Files skipped because their extension is not <c>.jpg</c>, <c>.jpeg</c> or <c>.png</c>
    /// (any case), or because they lie directly in <see cref="Root"/> rather than in a class folder.
    /// </summary>
    public IReadOnlyList<string> IgnoredFiles => ignoredFiles;
}
