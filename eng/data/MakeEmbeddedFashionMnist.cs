// Writes the Fashion-MNIST subset embedded in FofaDsl (src/FofaDsl/Data/Embedded/).
//
//   dotnet run eng/data/MakeEmbeddedFashionMnist.cs -- /usr/share/datasets/fashion-mnist src/FofaDsl/Data/Embedded
//
// The subset is class-balanced and deterministic: the first K images of each class, kept in
// their original order, for the training split and for the test (t10k) split. The output keeps
// the real IDX format (gzip-compressed), so the library reads it with the same IdxReader it
// uses for the full data set. Standalone on purpose: no project reference, no packages.
using System.Buffers.Binary;
using System.IO.Compression;

const int TrainPerClass = 800;
const int TestPerClass = 200;
const int ClassCount = 10;
const long SizeBudgetBytes = 4_800_000;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: dotnet run eng/data/MakeEmbeddedFashionMnist.cs -- <fashion-mnist dir> <output dir>");
    return 2;
}

var sourceDirectory = args[0];
var outputDirectory = args[1];
Directory.CreateDirectory(outputDirectory);

long total = 0;
total += WriteSubset("train", TrainPerClass);
total += WriteSubset("t10k", TestPerClass);
Console.WriteLine($"total: {total:N0} bytes (budget {SizeBudgetBytes:N0})");
if (total > SizeBudgetBytes)
{
    Console.Error.WriteLine("over budget: lower TrainPerClass and run again.");
    return 1;
}
return 0;

long WriteSubset(string prefix, int perClass)
{
    var (imageDims, pixels) = ReadIdx(Path.Combine(sourceDirectory, $"{prefix}-images-idx3-ubyte.gz"));
    var (_, labels) = ReadIdx(Path.Combine(sourceDirectory, $"{prefix}-labels-idx1-ubyte.gz"));
    int imageBytes = imageDims[1] * imageDims[2];

    // First perClass images of each class, in the original order of the file.
    var taken = new int[ClassCount];
    var chosen = new List<int>(perClass * ClassCount);
    for (int i = 0; i < labels.Length && chosen.Count < perClass * ClassCount; i++)
    {
        int label = labels[i];
        if (taken[label] < perClass)
        {
            taken[label]++;
            chosen.Add(i);
        }
    }
    if (taken.Any(t => t < perClass))
        throw new InvalidOperationException($"{prefix}: not enough images for {perClass} per class.");

    var subsetPixels = new byte[chosen.Count * imageBytes];
    var subsetLabels = new byte[chosen.Count];
    for (int j = 0; j < chosen.Count; j++)
    {
        Array.Copy(pixels, (long)chosen[j] * imageBytes, subsetPixels, (long)j * imageBytes, imageBytes);
        subsetLabels[j] = labels[chosen[j]];
    }

    long size = WriteIdx(Path.Combine(outputDirectory, $"{prefix}-images-idx3-ubyte.gz"), [chosen.Count, imageDims[1], imageDims[2]], subsetPixels);
    size += WriteIdx(Path.Combine(outputDirectory, $"{prefix}-labels-idx1-ubyte.gz"), [chosen.Count], subsetLabels);
    Console.WriteLine($"{prefix}: {chosen.Count} images ({perClass} per class), {size:N0} bytes");
    return size;
}

static (int[] Dims, byte[] Data) ReadIdx(string path)
{
    using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
    using var memory = new MemoryStream();
    gzip.CopyTo(memory);
    var bytes = memory.ToArray();
    if (bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0x08)
        throw new InvalidDataException($"{path}: not an unsigned-byte IDX file.");
    var dims = new int[bytes[3]];
    for (int d = 0; d < dims.Length; d++)
        dims[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d));
    return (dims, bytes[(4 + 4 * dims.Length)..]);
}

static long WriteIdx(string path, int[] dims, byte[] data)
{
    using (var file = File.Create(path))
    using (var gzip = new GZipStream(file, CompressionLevel.SmallestSize))
    {
        Span<byte> header = stackalloc byte[4 + 4 * dims.Length];
        header[0] = 0;
        header[1] = 0;
        header[2] = 0x08; // unsigned byte
        header[3] = (byte)dims.Length;
        for (int d = 0; d < dims.Length; d++)
            BinaryPrimitives.WriteInt32BigEndian(header[(4 + 4 * d)..], dims[d]);
        gzip.Write(header);
        gzip.Write(data);
    }
    return new FileInfo(path).Length;
}
