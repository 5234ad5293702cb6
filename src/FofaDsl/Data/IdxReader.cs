using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace FofaDsl.Data;

/// <summary>
/// Reads IDX files, the format of MNIST and Fashion-MNIST: two zero bytes, an element-type byte
/// (<c>0x08</c> = unsigned byte, the only type supported here), a dimension count, one big-endian
/// int32 per dimension, then the data in row-major order. Gzip-compressed files are recognised
/// by their <c>1f 8b</c> header, so <c>.gz</c> and raw files read the same way.
/// </summary>
public static class IdxReader
{
    /// <summary>The IDX element-type code for unsigned bytes.</summary>
    public const byte UnsignedByteType = 0x08;

    private const string RedownloadHint = "re-download or check the file";

    /// <summary>Reads the IDX file at <paramref name="path"/> (raw or gzip).</summary>
    /// <exception cref="DatasetFormatException">The file is not a readable unsigned-byte IDX file.</exception>
    public static IdxArray Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = File.OpenRead(path);
        return Read(file, path);
    }

    /// <summary>
    /// Reads an IDX array (raw or gzip) from <paramref name="stream"/>; <paramref name="sourceName"/>
    /// names the stream in error messages.
    /// </summary>
    /// <exception cref="DatasetFormatException">The data is not a readable unsigned-byte IDX array.</exception>
    public static IdxArray Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);

        // The whole file is read: a gzip file is verified against its trailer, and any byte after the declared data is refused.
        using var content = CopyToMemory(stream);
        var bytes = content.ToArray();
        if (GzipFile.IsGzip(bytes))
            bytes = GzipFile.Decompress(bytes, sourceName, RedownloadHint);
        using var raw = new MemoryStream(bytes, writable: false);
        var array = ReadUncompressed(raw, sourceName);
        if (raw.Position < raw.Length)
        {
            throw new DatasetFormatException(
                Invariant($"{sourceName}: {raw.Length - raw.Position} byte(s) follow the {raw.Position} bytes its IDX header declares; ") +
                "is it the wrong file, or one with a damaged header? " + RedownloadHint + ".",
                sourceName);
        }
        return array;
    }

    /// <summary>Reads an image file: an IDX array with 3 dimensions <c>[count, rows, columns]</c>.</summary>
    /// <exception cref="DatasetFormatException">The file is not a readable image IDX file.</exception>
    public static IdxArray ReadImages(string path) => RequireRank(Read(path), 3, "images");

    /// <summary>Reads an image array <c>[count, rows, columns]</c> from <paramref name="stream"/>.</summary>
    /// <exception cref="DatasetFormatException">The data is not a readable image IDX array.</exception>
    public static IdxArray ReadImages(Stream stream, string sourceName) => RequireRank(Read(stream, sourceName), 3, "images");

    /// <summary>Reads a label file: an IDX array with 1 dimension <c>[count]</c>.</summary>
    /// <exception cref="DatasetFormatException">The file is not a readable label IDX file.</exception>
    public static IdxArray ReadLabels(string path) => RequireRank(Read(path), 1, "labels");

    /// <summary>Reads a label array <c>[count]</c> from <paramref name="stream"/>.</summary>
    /// <exception cref="DatasetFormatException">The data is not a readable label IDX array.</exception>
    public static IdxArray ReadLabels(Stream stream, string sourceName) => RequireRank(Read(stream, sourceName), 1, "labels");

    /// <summary>
    /// Reads an image file and its label file into a single-channel <see cref="ImageDataset"/>,
    /// checking that both hold the same number of items and that every label names a class.
    /// </summary>
    /// <exception cref="DatasetFormatException">A file is unreadable or the two do not match.</exception>
    public static ImageDataset ReadDataset(string imagesPath, string labelsPath, IReadOnlyList<string> classNames, float mean, float std) =>
        CombineDataset(ReadImages(imagesPath), ReadLabels(labelsPath), classNames, mean, std);

    /// <summary>Reads an image stream and its label stream into a single-channel <see cref="ImageDataset"/>.</summary>
    /// <exception cref="DatasetFormatException">A stream is unreadable or the two do not match.</exception>
    public static ImageDataset ReadDataset(
        Stream images, string imagesName, Stream labels, string labelsName, IReadOnlyList<string> classNames, float mean, float std) =>
        CombineDataset(ReadImages(images, imagesName), ReadLabels(labels, labelsName), classNames, mean, std);

    private static ImageDataset CombineDataset(IdxArray images, IdxArray labels, IReadOnlyList<string> classNames, float mean, float std)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        int imageCount = images.Dimensions[0];
        int labelCount = labels.Dimensions[0];
        if (imageCount != labelCount)
        {
            throw new DatasetFormatException(
                Invariant($"{images.Source} holds {imageCount} images but {labels.Source} holds {labelCount} labels; ") +
                "the two files must come from the same split (train with train, t10k with t10k); " + RedownloadHint + ".",
                labels.Source);
        }

        var labelBytes = labels.Data;
        for (int i = 0; i < labelBytes.Length; i++)
        {
            if (labelBytes[i] >= classNames.Count)
            {
                throw new DatasetFormatException(
                    Invariant($"{labels.Source}: label {labelBytes[i]} at index {i} is outside the {classNames.Count} classes; ") +
                    "is this the label file of another data set? " + RedownloadHint + ".",
                    labels.Source);
            }
        }

        return ImageDataset.Wrap(
            images.Buffer, labels.Buffer, channels: 1, height: images.Dimensions[1], width: images.Dimensions[2], classNames, mean, std);
    }

    private static IdxArray RequireRank(IdxArray array, int rank, string kind)
    {
        if (array.Dimensions.Count != rank)
        {
            throw new DatasetFormatException(
                Invariant($"{array.Source}: an IDX {kind} file has {rank} dimension(s), this one has {array.Dimensions.Count} ") +
                $"[{string.Join(", ", array.Dimensions)}]; is it the {(kind == "images" ? "labels" : "images")} file or another file? " +
                $"Pass the *-{(kind == "images" ? "images-idx3" : "labels-idx1")}-ubyte file.",
                array.Source);
        }
        return array;
    }

    private static IdxArray ReadUncompressed(Stream stream, string sourceName)
    {
        Span<byte> magic = stackalloc byte[4];
        int magicLength = ReadFully(stream, magic);
        if (magicLength < 4)
        {
            throw new DatasetFormatException(
                (magicLength == 0
                    ? $"{sourceName}: the file is empty; "
                    : Invariant($"{sourceName}: the file is truncated: {magicLength} byte(s) long, shorter than the 4-byte IDX header; ")) +
                RedownloadHint + ".",
                sourceName);
        }

        if (magic[0] != 0 || magic[1] != 0)
        {
            throw new DatasetFormatException(
                $"{sourceName}: not an IDX file (it starts with {Convert.ToHexString(magic)}, IDX files start with 0000); " +
                "is it the wrong file, or an archive that still needs unpacking? Pass an MNIST-style *-idx?-ubyte or *-idx?-ubyte.gz file.",
                sourceName);
        }

        byte elementType = magic[2];
        if (elementType != UnsignedByteType)
        {
            throw new DatasetFormatException(
                Invariant($"{sourceName}: unsupported IDX element type 0x{elementType:X2} ({DescribeElementType(elementType)}); ") +
                "only 0x08 (unsigned byte), the type of MNIST and Fashion-MNIST pixels and labels, is supported. " +
                "Convert the file to unsigned bytes.",
                sourceName);
        }

        int rank = magic[3];
        if (rank == 0)
        {
            throw new DatasetFormatException(
                $"{sourceName}: the IDX header declares 0 dimensions; {RedownloadHint}.", sourceName);
        }

        var header = new byte[4 * rank];
        int headerLength = ReadFully(stream, header);
        if (headerLength < header.Length)
        {
            throw new DatasetFormatException(
                Invariant($"{sourceName}: expected {header.Length} bytes of dimension sizes, file has {headerLength}; ") +
                RedownloadHint + ".",
                sourceName);
        }

        var dimensions = new int[rank];
        long elementCount = 1;
        for (int d = 0; d < rank; d++)
        {
            dimensions[d] = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4 * d));
            if (dimensions[d] < 0)
            {
                throw new DatasetFormatException(
                    Invariant($"{sourceName}: dimension {d} has the negative size {dimensions[d]}; ") + RedownloadHint + ".",
                    sourceName);
            }
            elementCount *= dimensions[d];
            if (elementCount > Array.MaxLength)
            {
                throw new DatasetFormatException(
                    $"{sourceName}: dimensions [{string.Join(", ", dimensions[..(d + 1)])}] hold more elements than one array can; " +
                    "is it the wrong file? " + RedownloadHint + ".",
                    sourceName);
            }
        }

        var data = new byte[elementCount];
        int dataLength = ReadFully(stream, data);
        if (dataLength < data.Length)
        {
            string what = rank == 3 ? "image" : rank == 1 ? "label" : "IDX";
            throw new DatasetFormatException(
                Invariant($"{sourceName}: expected {data.Length} bytes of {what} data, file has {dataLength}; ") + RedownloadHint + ".",
                sourceName);
        }

        return new IdxArray(sourceName, dimensions, data);
    }

    private static string DescribeElementType(byte code) => code switch
    {
        0x09 => "signed byte",
        0x0B => "int16",
        0x0C => "int32",
        0x0D => "float32",
        0x0E => "float64",
        _ => "not an IDX type",
    };

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = stream.Read(buffer[total..]);
            if (read == 0)
                break;
            total += read;
        }
        return total;
    }

    private static MemoryStream CopyToMemory(Stream stream)
    {
        var memory = new MemoryStream();
        stream.CopyTo(memory);
        memory.Position = 0;
        return memory;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
