using CsCheck;
using FofaDsl.Data;
using FofaDsl.Training;
using FofaDsl.Weights;

namespace FofaDsl.Tests.Data;

/// <summary>
/// Random and damaged bytes fed to every reader of a file a user hands over: the reader's own exception with a message is
/// the only allowed outcome (never another exception, a hang or data accepted from a damaged compressed file).
/// </summary>
public sealed class ReaderFuzzTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("fofa-fuzz-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static readonly byte[] ValidImages = IdxTestFiles.Images(3, 4, 4, Enumerable.Range(0, 48).Select(i => (byte)(i * 5)).ToArray());

    [Fact]
    public void Random_bytes_are_refused_by_the_IDX_reader_with_a_dataset_format_error() =>
        Gen.Byte.Array[0, 300].Sample(bytes => RefusedOrShaped(bytes, gzip: false), iter: 400);

    [Fact]
    public void Any_bit_flip_or_cut_of_a_gzip_IDX_file_is_refused_unless_the_data_read_is_the_original()
    {
        var compressed = IdxTestFiles.Gzip(ValidImages);
        // A flipped bit in the compressed data or the trailer (the last 100 bytes included) or a cut: the CRC-32 and
        // length trailer catch it. (The 10-byte header's time stamp and OS byte are not data; a flip there changes nothing read.)
        Gen.Select(Gen.Int[10 * 8, compressed.Length * 8 - 1], Gen.Int[0, compressed.Length - 1], Gen.Bool).Sample((bit, cut, flip) =>
        {
            var damaged = flip ? Flip(compressed, bit) : compressed[..cut];
            try
            {
                // A flip in the padding bits after the last deflate block changes nothing that is decoded: the data must be the original.
                var array = IdxReader.Read(new MemoryStream(damaged), "train-images-idx3-ubyte.gz");
                Assert.True(flip);
                Assert.Equal([3, 4, 4], array.Dimensions);
                Assert.Equal(ValidImages[16..], array.Data.ToArray());
            }
            catch (DatasetFormatException error)
            {
                Assert.Contains("train-images-idx3-ubyte.gz", error.Message);
            }
        }, iter: 400);
    }

    [Fact]
    public void Random_bytes_after_the_gzip_magic_are_refused() =>
        Gen.Byte.Array[0, 300].Sample(bytes => RefusedOrShaped([0x1f, 0x8b, .. bytes], gzip: true), iter: 300);

    [Fact]
    public void Random_and_damaged_checkpoints_are_refused_with_an_invalid_data_error()
    {
        var path = Path.Combine(folder, "last.ckpt");
        Gen.Select(Gen.Bool, Gen.Byte.Array[0, 200]).Sample((withMagic, bytes) =>
        {
            File.WriteAllBytes(path, withMagic ? [.. "FOFACKPT"u8, .. bytes] : bytes);
            var error = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.Peek(path));
            Assert.Contains(path, error.Message);
        }, iter: 300, threads: 1);
    }

    [Fact]
    public void Random_weight_files_are_refused_with_a_weight_load_error()
    {
        var path = Path.Combine(folder, "teacher.safetensors");
        Gen.Select(Gen.Long[0, 400], Gen.Byte.Array[0, 200]).Sample((headerLength, bytes) =>
        {
            // The safetensors layout: an 8-byte header length, then JSON, then data.
            File.WriteAllBytes(path, [.. BitConverter.GetBytes(headerLength), .. bytes]);
            var error = Assert.Throws<WeightLoadException>(() => WeightFileReader.Read(path, WeightFileFormat.Safetensors));
            Assert.Contains(path, error.Message);
        }, iter: 300, threads: 1);
    }

    private static void RefusedOrShaped(byte[] bytes, bool gzip)
    {
        try
        {
            var array = IdxReader.Read(new MemoryStream(bytes), gzip ? "x.gz" : "x");
            // Accepted only when the bytes are an IDX file: a zero magic prefix and a header that fits.
            Assert.False(gzip);
            Assert.True(bytes[0] == 0 && bytes[1] == 0 && bytes.Length >= 4 + 4 * array.Dimensions.Count);
        }
        catch (DatasetFormatException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
        }
    }

    private static byte[] Flip(byte[] bytes, int bit)
    {
        var copy = bytes.ToArray();
        copy[bit / 8] ^= (byte)(1 << (bit % 8));
        return copy;
    }
}
