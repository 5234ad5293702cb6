using System.Globalization;

namespace FofaDsl.Data;

/// <summary>
/// CIFAR-10 and CIFAR-100 (Krizhevsky, 2009), read from their <em>binary</em> versions: fixed-size
/// records of label byte(s) followed by 3072 pixel bytes, the red, green and blue 32x32 planes
/// in row-major order, which is already the <c>[C, H, W]</c> layout of <see cref="ImageDataset"/>.
/// The data sets carry the usual per-channel training-set statistics (<see cref="Cifar10Mean"/>,
/// <see cref="Cifar10Std"/>, <see cref="Cifar100Mean"/>, <see cref="Cifar100Std"/>).
/// </summary>
/// <remarks>
/// A directory may be the unpacked folder itself (<c>cifar-10-batches-bin</c>, <c>cifar-100-binary</c>),
/// the folder that holds it, or a folder that holds the downloaded archive (<c>cifar-10-binary.tar.gz</c>,
/// <c>cifar-100-binary.tar.gz</c>), which is then read without unpacking and verified (gzip CRC-32 and
/// tar header checksums). The python (pickle) versions cannot be read: they are detected and reported as such.
/// </remarks>
public static class Cifar
{
    /// <summary>Image height and width in pixels.</summary>
    public const int ImageSize = 32;

    /// <summary>Channels per image (red, green, blue).</summary>
    public const int Channels = 3;

    /// <summary>Pixel bytes per record: <c>3 * 32 * 32</c>.</summary>
    public const int PixelBytes = Channels * ImageSize * ImageSize;

    /// <summary>The folder that <c>cifar-10-binary.tar.gz</c> unpacks to.</summary>
    public const string Cifar10Folder = "cifar-10-batches-bin";

    /// <summary>The folder that <c>cifar-100-binary.tar.gz</c> unpacks to.</summary>
    public const string Cifar100Folder = "cifar-100-binary";

    // Per-channel mean and standard deviation of the training pixels scaled to [0, 1]. The std is
    // the true per-pixel one (the often copied 0.2023/0.1994/0.2010 are a per-image average).
    private static readonly float[] Cifar10MeanValues = [0.4914f, 0.4822f, 0.4465f];
    private static readonly float[] Cifar10StdValues = [0.2470f, 0.2435f, 0.2616f];
    private static readonly float[] Cifar100MeanValues = [0.5071f, 0.4865f, 0.4409f];
    private static readonly float[] Cifar100StdValues = [0.2673f, 0.2564f, 0.2762f];

    private static readonly CifarFormat Cifar10Format = new(
        Name: "CIFAR-10",
        Folder: Cifar10Folder,
        Archive: "cifar-10-binary.tar.gz",
        PythonArchive: "cifar-10-python.tar.gz",
        PythonFolder: "cifar-10-batches-py",
        PythonMarker: "data_batch_1",
        LabelNames: ["label"],
        ClassCounts: [10]);

    private static readonly CifarFormat Cifar100Format = new(
        Name: "CIFAR-100",
        Folder: Cifar100Folder,
        Archive: "cifar-100-binary.tar.gz",
        PythonArchive: "cifar-100-python.tar.gz",
        PythonFolder: "cifar-100-python",
        PythonMarker: "train",
        LabelNames: ["coarse label", "fine label"],
        ClassCounts: [20, 100]);

    /// <summary>CIFAR-10 per-channel (RGB) mean of the training pixels scaled to [0, 1].</summary>
    public static IReadOnlyList<float> Cifar10Mean => Cifar10MeanValues;

    /// <summary>CIFAR-10 per-channel (RGB) standard deviation of the training pixels scaled to [0, 1].</summary>
    public static IReadOnlyList<float> Cifar10Std => Cifar10StdValues;

    /// <summary>CIFAR-100 per-channel (RGB) mean of the training pixels scaled to [0, 1].</summary>
    public static IReadOnlyList<float> Cifar100Mean => Cifar100MeanValues;

    /// <summary>CIFAR-100 per-channel (RGB) standard deviation of the training pixels scaled to [0, 1].</summary>
    public static IReadOnlyList<float> Cifar100Std => Cifar100StdValues;

    /// <summary>
    /// The files CIFAR-10 <paramref name="split"/> is read from: its batch files, in the order their
    /// images are loaded, and the class-names file <c>batches.meta.txt</c>.
    /// </summary>
    public static (IReadOnlyList<string> Batches, string ClassNames) Cifar10FileNames(CifarSplit split) => split switch
    {
        CifarSplit.Train => (["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"], "batches.meta.txt"),
        CifarSplit.Test => (["test_batch.bin"], "batches.meta.txt"),
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown CIFAR split."),
    };

    /// <summary>
    /// The files CIFAR-100 <paramref name="split"/> is read from: <c>train.bin</c> or <c>test.bin</c>,
    /// and <c>fine_label_names.txt</c> or <c>coarse_label_names.txt</c> after <paramref name="labels"/>.
    /// </summary>
    public static (IReadOnlyList<string> Batches, string ClassNames) Cifar100FileNames(CifarSplit split, Cifar100Labels labels = Cifar100Labels.Fine)
    {
        string batch = split switch
        {
            CifarSplit.Train => "train.bin",
            CifarSplit.Test => "test.bin",
            _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown CIFAR split."),
        };
        string names = labels switch
        {
            Cifar100Labels.Fine => "fine_label_names.txt",
            Cifar100Labels.Coarse => "coarse_label_names.txt",
            _ => throw new ArgumentOutOfRangeException(nameof(labels), labels, "Unknown CIFAR-100 label kind."),
        };
        return ([batch], names);
    }

    /// <summary>
    /// Loads CIFAR-10 <paramref name="split"/> from <paramref name="directory"/> (the unpacked
    /// <c>cifar-10-batches-bin</c> folder, or its parent): the training split concatenates
    /// <c>data_batch_1.bin</c> to <c>data_batch_5.bin</c> in that order.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="FileNotFoundException">A batch or names file is missing; the message lists the files looked for.</exception>
    /// <exception cref="DatasetFormatException">A file is damaged, is the python version, or belongs to another data set.</exception>
    public static ImageDataset LoadCifar10(string directory, CifarSplit split)
    {
        var (batches, names) = Cifar10FileNames(split);
        return Load(directory, Cifar10Format, batches, names, labelIndex: 0, Cifar10MeanValues, Cifar10StdValues);
    }

    /// <summary>
    /// Loads CIFAR-100 <paramref name="split"/> from <paramref name="directory"/> (the unpacked
    /// <c>cifar-100-binary</c> folder, or its parent), labelled with the fine classes or, after
    /// <paramref name="labels"/>, the coarse superclasses. Both labels of every record are checked.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="FileNotFoundException">The batch or names file is missing; the message lists the files looked for.</exception>
    /// <exception cref="DatasetFormatException">A file is damaged, is the python version, or belongs to another data set.</exception>
    public static ImageDataset LoadCifar100(string directory, CifarSplit split, Cifar100Labels labels = Cifar100Labels.Fine)
    {
        var (batches, names) = Cifar100FileNames(split, labels);
        int labelIndex = labels == Cifar100Labels.Coarse ? 0 : 1;
        return Load(directory, Cifar100Format, batches, names, labelIndex, Cifar100MeanValues, Cifar100StdValues);
    }

    private static ImageDataset Load(
        string directory, CifarFormat format, IReadOnlyList<string> batches, string namesFile, int labelIndex,
        float[] mean, float[] std)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string[] wanted = [.. batches, namesFile];
        var files = FindFiles(directory, format, wanted);

        var classNames = ReadClassNames(files[namesFile], format, format.ClassCounts[labelIndex]);
        var sources = batches.Select(batch => files[batch]).ToArray();
        var recordCounts = sources.Select(source => CountRecords(source, format)).ToArray();

        long total = recordCounts.Sum(count => (long)count);
        if (total * PixelBytes > Array.MaxLength)
        {
            throw new DatasetFormatException(
                Invariant($"{format.Name} in '{directory}' holds {total} images, more than one array can; ") +
                $"these are not the {format.Name} files. Re-download and unpack {format.Archive}.",
                sources[0].Name);
        }

        var pixels = new byte[total * PixelBytes];
        var labels = new byte[total];
        int first = 0;
        for (int f = 0; f < sources.Length; f++)
        {
            ReadRecords(sources[f], format, labelIndex, pixels, labels, first, recordCounts[f]);
            first += recordCounts[f];
        }

        return ImageDataset.Wrap(pixels, labels, Channels, ImageSize, ImageSize, classNames, mean, std);
    }

    // The wanted files from the unpacked folder (the directory itself or its archive subfolder), else from the archive.
    private static Dictionary<string, CifarFile> FindFiles(string directory, CifarFormat format, string[] wanted)
    {
        string archive = Path.Combine(directory, format.Archive);
        if (Directory.Exists(directory) && !Directory.Exists(Path.Combine(directory, format.Folder)) && File.Exists(archive)
            && !wanted.All(file => File.Exists(Path.Combine(directory, file))))
        {
            var entries = CifarArchive.ReadEntries(archive, format.Folder, wanted, $"download {format.Archive} again");
            return entries.ToDictionary(entry => entry.Key, entry => CifarFile.InArchive(archive, format.Folder, entry.Key, entry.Value));
        }

        string dataDirectory = FindDirectory(directory, format, wanted);
        return wanted.ToDictionary(file => file, file => CifarFile.OnDisk(Path.Combine(dataDirectory, file)));
    }

    // The directory itself, or its unpacked-archive subfolder, whichever holds the files.
    private static string FindDirectory(string directory, CifarFormat format, string[] wanted)
    {
        string lookedFor = string.Join(", ", wanted);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException(
                $"{format.Name} directory '{directory}' does not exist (looked for {lookedFor} there or in {format.Folder}/). {format.InstallHint}");
        }

        string nested = Path.Combine(directory, format.Folder);
        foreach (string candidate in new[] { directory, nested })
        {
            if (wanted.All(file => File.Exists(Path.Combine(candidate, file))))
                return candidate;
        }

        foreach (string candidate in new[] { directory, nested, Path.Combine(directory, format.PythonFolder) })
        {
            if (File.Exists(Path.Combine(candidate, format.PythonMarker)) && !File.Exists(Path.Combine(candidate, wanted[0])))
            {
                throw new DatasetFormatException(
                    $"'{candidate}' holds the python (pickle) version of {format.Name} ({format.PythonMarker} without .bin, " +
                    $"from {format.PythonArchive}), which FofaDsl cannot read. {format.InstallHint}",
                    Path.Combine(candidate, format.PythonMarker));
            }
        }

        // Report against the archive folder when it is there: that is where the files belong.
        string reported = Directory.Exists(nested) ? nested : directory;
        string missing = wanted.First(file => !File.Exists(Path.Combine(reported, file)));
        throw new FileNotFoundException(
            $"{format.Name} file {missing} is missing from '{reported}' (looked for {lookedFor} in '{directory}' and in {format.Folder}/, " +
            $"and for {format.Archive} in '{directory}'). " +
            format.InstallHint,
            Path.Combine(reported, missing));
    }

    private static string[] ReadClassNames(CifarFile file, CifarFormat format, int classCount)
    {
        string path = file.Name;
        using var reader = new StreamReader(file.Open());
        var names = reader.ReadToEnd().Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0).ToArray();
        if (names.Length != classCount)
        {
            throw new DatasetFormatException(
                Invariant($"{path}: expected {classCount} {format.Name} class names, one a line, found {names.Length}; ") +
                $"is it the names file of another data set? Re-download and unpack {format.Archive}.",
                path);
        }
        return names;
    }

    private static int CountRecords(CifarFile file, CifarFormat format)
    {
        string path = file.Name;
        long length = file.Length;
        if (length > 0 && length % format.RecordSize == 0 && length / format.RecordSize <= int.MaxValue)
            return (int)(length / format.RecordSize);

        var other = ReferenceEquals(format, Cifar10Format) ? Cifar100Format : Cifar10Format;
        string otherHint = length > 0 && length % other.RecordSize == 0
            ? $"its size fits {other.RecordSize}-byte {other.Name} records: is it a {other.Name} file? "
            : "";
        throw new DatasetFormatException(
            Invariant($"{path}: {length} bytes is not a whole, non-zero number of {format.RecordSize}-byte {format.Name} records ") +
            $"({format.RecordLayout}); {otherHint}the file is truncated or not a {format.Name} binary batch. " +
            $"Re-download and unpack {format.Archive}.",
            path);
    }

    private static void ReadRecords(CifarFile source, CifarFormat format, int labelIndex, byte[] pixels, byte[] labels, int first, int count)
    {
        string path = source.Name;
        // A few thousand records at a time: no second copy of a 150 MB file in memory.
        const int RecordsPerChunk = 1024;
        int recordSize = format.RecordSize;
        int labelBytes = format.ClassCounts.Length;
        var chunk = new byte[RecordsPerChunk * recordSize];
        using var file = source.Open();

        for (int done = 0; done < count; done += RecordsPerChunk)
        {
            int records = Math.Min(RecordsPerChunk, count - done);
            file.ReadExactly(chunk, 0, records * recordSize);
            for (int r = 0; r < records; r++)
            {
                var record = chunk.AsSpan(r * recordSize, recordSize);
                for (int l = 0; l < labelBytes; l++)
                {
                    if (record[l] >= format.ClassCounts[l])
                    {
                        throw new DatasetFormatException(
                            Invariant($"{path}: record {done + r} has {format.LabelNames[l]} {record[l]}, outside the ") +
                            Invariant($"{format.ClassCounts[l]} classes 0-{format.ClassCounts[l] - 1} of {format.Name}; ") +
                            $"the file is damaged or belongs to another data set. Re-download and unpack {format.Archive}.",
                            path);
                    }
                }

                int image = first + done + r;
                labels[image] = record[labelIndex];
                record[labelBytes..].CopyTo(pixels.AsSpan(image * PixelBytes, PixelBytes));
            }
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    // One batch or names file: on disk, or an entry of the downloaded archive (named archive/folder/file in messages).
    private sealed record CifarFile(string Name, long Length, Func<Stream> Open)
    {
        public static CifarFile OnDisk(string path) => new(path, new FileInfo(path).Length, () => File.OpenRead(path));

        public static CifarFile InArchive(string archive, string folder, string file, byte[] data) =>
            new($"{archive}/{folder}/{file}", data.Length, () => new MemoryStream(data, writable: false));
    }

    // What differs between the two data sets' binary files and their download hints.
    private sealed record CifarFormat(
        string Name, string Folder, string Archive, string PythonArchive, string PythonFolder, string PythonMarker,
        string[] LabelNames, int[] ClassCounts)
    {
        public int RecordSize => ClassCounts.Length + PixelBytes;

        public string RecordLayout => ClassCounts.Length == 1
            ? "1 label byte + 3072 pixel bytes"
            : "1 coarse label byte + 1 fine label byte + 3072 pixel bytes";

        public string InstallHint =>
            $"The binary version is needed: download {Archive} from https://www.cs.toronto.edu/~kriz/cifar.html and unpack it " +
            $"(it makes {Folder}/); the python version ({PythonArchive}) is pickled and cannot be read.";
    }
}
