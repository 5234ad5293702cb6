namespace FofaDsl.Tests.Data;

/// <summary>Builds tiny CIFAR binary files by hand: label byte(s), then the R, G and B 32x32 planes.</summary>
internal static class CifarTestFiles
{
    public const int PlaneSize = 32 * 32;
    public const int PixelBytes = 3 * PlaneSize;

    /// <summary>A record whose red, green and blue planes are filled with one value each.</summary>
    public static byte[] Record(byte[] labelBytes, byte red, byte green, byte blue)
    {
        var record = new byte[labelBytes.Length + PixelBytes];
        labelBytes.CopyTo(record, 0);
        record.AsSpan(labelBytes.Length, PlaneSize).Fill(red);
        record.AsSpan(labelBytes.Length + PlaneSize, PlaneSize).Fill(green);
        record.AsSpan(labelBytes.Length + 2 * PlaneSize, PlaneSize).Fill(blue);
        return record;
    }

    /// <summary>A CIFAR-10 record: one label byte; every plane holds <paramref name="value"/> + its channel index.</summary>
    public static byte[] Cifar10Record(byte label, byte value) =>
        Record([label], value, (byte)(value + 1), (byte)(value + 2));

    /// <summary>A CIFAR-100 record: coarse label byte, fine label byte.</summary>
    public static byte[] Cifar100Record(byte coarse, byte fine, byte value) =>
        Record([coarse, fine], value, (byte)(value + 1), (byte)(value + 2));

    public static byte[] Concat(params byte[][] records) => [.. records.SelectMany(record => record)];

    public static readonly string[] Cifar10Names =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>
    /// A complete CIFAR-10 binary folder: five training batches of 3, 3, 1, 1, 1 records and a test
    /// batch of 2. Training record k (over all batches) has label k % 10 and value 10 k.
    /// </summary>
    public static void WriteCifar10(string directory)
    {
        int[] recordsPerBatch = [3, 3, 1, 1, 1];
        int k = 0;
        for (int batch = 0; batch < 5; batch++)
        {
            var records = new List<byte[]>();
            for (int r = 0; r < recordsPerBatch[batch]; r++, k++)
                records.Add(Cifar10Record((byte)(k % 10), (byte)(10 * k)));
            File.WriteAllBytes(Path.Combine(directory, $"data_batch_{batch + 1}.bin"), Concat([.. records]));
        }
        File.WriteAllBytes(Path.Combine(directory, "test_batch.bin"), Concat(Cifar10Record(9, 200), Cifar10Record(3, 100)));
        // The real file ends with blank lines.
        File.WriteAllText(Path.Combine(directory, "batches.meta.txt"), string.Join("\n", Cifar10Names) + "\n\n");
    }

    public static string[] FineNames() => [.. Enumerable.Range(0, 100).Select(i => $"fine_{i:D2}")];

    public static string[] CoarseNames() => [.. Enumerable.Range(0, 20).Select(i => $"coarse_{i:D2}")];

    /// <summary>A CIFAR-100 binary folder: 3 training records, 1 test record, both names files.</summary>
    public static void WriteCifar100(string directory)
    {
        File.WriteAllBytes(
            Path.Combine(directory, "train.bin"),
            Concat(Cifar100Record(19, 99, 0), Cifar100Record(4, 30, 50), Cifar100Record(0, 7, 100)));
        File.WriteAllBytes(Path.Combine(directory, "test.bin"), Concat(Cifar100Record(11, 55, 250)));
        File.WriteAllText(Path.Combine(directory, "fine_label_names.txt"), string.Join("\n", FineNames()) + "\n");
        File.WriteAllText(Path.Combine(directory, "coarse_label_names.txt"), string.Join("\n", CoarseNames()) + "\n");
    }

    /// <summary>
    /// Packs the files of <paramref name="unpacked"/> as the downloaded archive does (a gzip of a tar whose entries
    /// lie under <paramref name="folder"/>/) into <paramref name="archivePath"/>.
    /// </summary>
    public static void WriteArchive(string unpacked, string folder, string archivePath)
    {
        using var output = File.Create(archivePath);
        using var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Optimal);
        using var tar = new System.Formats.Tar.TarWriter(gzip, System.Formats.Tar.TarEntryFormat.Gnu);
        foreach (var file in Directory.GetFiles(unpacked).Order(StringComparer.Ordinal))
            tar.WriteEntry(file, $"{folder}/{Path.GetFileName(file)}");
    }
}
