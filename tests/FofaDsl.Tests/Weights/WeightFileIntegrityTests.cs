using System.Security.Cryptography;
using FofaDsl.Hosting;
using FofaDsl.Weights;
using TorchSharp.PyBridge;

namespace FofaDsl.Tests.Weights;

/// <summary>
/// Altered bytes inside tensor data are refused, not loaded as different weights: the SHA-256 FofaDsl stamps into the
/// safetensors it writes, the CRC-32 of torch.save's zip entries, and a <c>.sha256</c> file beside any weights file.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class WeightFileIntegrityTests
{
    [Fact]
    public void A_written_safetensors_file_carries_its_checksum_and_still_loads_in_any_safetensors_reader()
    {
        using var folder = new TempFolder();
        var path = folder.File("teacher.safetensors");
        using var source = WeightsFixtures.SmallResNet(seed: 1);
        ModelWeights.Save(source, path);

        Assert.Contains(SafetensorsChecksum.MetadataKey, HeaderText(path));
        // The data section starts 8-byte aligned, as the format recommends.
        Assert.Equal(0, (8 + BitConverter.ToInt64(File.ReadAllBytes(path), 0)) % 8);

        using var plain = File.OpenRead(path);
        var tensors = Safetensors.LoadStateDict(plain);
        WeightsFixtures.AssertSameState(WeightsFixtures.Snapshot(source), tensors);

        using var target = WeightsFixtures.SmallResNet(seed: 2);
        PretrainedWeights.Load(target, path);
        WeightsFixtures.AssertSameState(WeightsFixtures.Snapshot(source), target.state_dict());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(99)]
    [InlineData(5000)]
    public void A_flipped_bit_in_the_tensor_data_of_a_written_file_is_refused_as_corrupt(int bytesFromTheEnd)
    {
        using var folder = new TempFolder();
        var path = folder.File("student-fofa.safetensors");
        using var source = WeightsFixtures.SmallResNet(seed: 3);
        ModelWeights.Save(source, path);
        FlipBit(path, bytesFromTheEnd);

        using var target = WeightsFixtures.SmallResNet(seed: 4);
        var before = WeightsFixtures.Snapshot(target);
        var error = Assert.Throws<WeightLoadException>(() => PretrainedWeights.Load(target, path));

        Assert.Contains("student-fofa.safetensors", error.Message);
        Assert.Contains("corrupt", error.Message);
        Assert.Contains("SHA-256", error.Message);
        WeightsFixtures.AssertSameState(before, target.state_dict());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(60)]
    [InlineData(3000)]
    public void A_flipped_bit_inside_a_torch_save_zip_is_refused_by_the_entry_crc(int bytesIntoTheData)
    {
        using var folder = new TempFolder();
        var path = folder.File("resnet.pth");
        using var source = WeightsFixtures.SmallResNet(seed: 5);
        source.save_py(path);
        StoreUncompressed(path);
        // Tensors are stored entries of data/<n>; flip a bit inside the largest one.
        var (offset, _) = LargestStoredEntry(path);
        FlipBitAt(path, offset + bytesIntoTheData);

        using var target = WeightsFixtures.SmallResNet(seed: 6);
        var before = WeightsFixtures.Snapshot(target);
        var error = Assert.Throws<WeightLoadException>(() => PretrainedWeights.Load(target, path));

        Assert.Contains("resnet.pth", error.Message);
        Assert.True(error.Message.Contains("CRC-32"), error.Message);
        Assert.Contains("corrupt", error.Message);
        WeightsFixtures.AssertSameState(before, target.state_dict());
    }

    [Fact]
    public void A_flipped_bit_inside_a_compressed_zip_entry_is_called_corrupt_without_the_inflaters_misleading_words()
    {
        using var folder = new TempFolder();
        var path = folder.File("deflated.pth");
        using var source = WeightsFixtures.SmallResNet(seed: 10);
        source.save_py(path);
        var (offset, _) = LargestStoredEntry(path);
        FlipBitAt(path, offset + 40);

        using var target = WeightsFixtures.SmallResNet(seed: 11);
        var error = Assert.Throws<WeightLoadException>(() => PretrainedWeights.Load(target, path));

        Assert.Contains("deflated.pth", error.Message);
        Assert.Contains("corrupt", error.Message);
        Assert.DoesNotContain("unsupported compression method", error.Message);
    }

    [Fact]
    public void A_sha256_file_beside_the_weights_is_checked_and_a_mismatch_is_refused()
    {
        using var folder = new TempFolder();
        var path = folder.File("downloaded.pth");
        using var source = WeightsFixtures.SmallResNet(seed: 7);
        source.save_py(path);
        var digest = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

        File.WriteAllText(ChecksumSidecar.PathFor(path), $"{digest}  downloaded.pth\n");
        using (var target = WeightsFixtures.SmallResNet(seed: 8)) PretrainedWeights.Load(target, path);

        File.WriteAllText(ChecksumSidecar.PathFor(path), new string('0', 64) + "\n");
        using var other = WeightsFixtures.SmallResNet(seed: 9);
        var error = Assert.Throws<WeightLoadException>(() => PretrainedWeights.Load(other, path));
        Assert.Contains("downloaded.pth.sha256", error.Message);
        Assert.Contains("corrupt or truncated", error.Message);
        Assert.Contains(digest, error.Message);

        File.WriteAllText(ChecksumSidecar.PathFor(path), "not a digest\n");
        var malformed = Assert.Throws<WeightLoadException>(() => PretrainedWeights.Load(other, path));
        Assert.Contains("64-digit SHA-256", malformed.Message);
        Assert.Contains("sha256sum", malformed.Message);
    }

    private static string HeaderText(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var length = (int)BitConverter.ToInt64(bytes, 0);
        return System.Text.Encoding.UTF8.GetString(bytes, 8, length);
    }

    private static void FlipBit(string path, int bytesFromTheEnd)
    {
        var length = new FileInfo(path).Length;
        FlipBitAt(path, length - bytesFromTheEnd);
    }

    private static void FlipBitAt(string path, long offset)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[offset] ^= 0x10;
        File.WriteAllBytes(path, bytes);
    }

    // torch.save stores its entries uncompressed (PyBridge deflates them): rewrite the file the way PyTorch writes it.
    private static void StoreUncompressed(string path)
    {
        var entries = new List<(string Name, byte[] Data)>();
        using (var archive = System.IO.Compression.ZipFile.OpenRead(path))
        {
            foreach (var entry in archive.Entries)
            {
                using var content = entry.Open();
                var data = new MemoryStream();
                content.CopyTo(data);
                entries.Add((entry.FullName, data.ToArray()));
            }
        }
        using var rewritten = new System.IO.Compression.ZipArchive(File.Create(path), System.IO.Compression.ZipArchiveMode.Create);
        foreach (var (name, data) in entries)
        {
            using var content = rewritten.CreateEntry(name, System.IO.Compression.CompressionLevel.NoCompression).Open();
            content.Write(data);
        }
    }

    // Where the largest entry's data starts in the zip: after its 30-byte local header, name and extra field.
    private static (long Offset, long Length) LargestStoredEntry(string path)
    {
        var bytes = File.ReadAllBytes(path);
        (long Offset, long Length) best = (0, 0);
        for (var i = 0; i + 30 < bytes.Length; i++)
        {
            if (bytes[i] != 'P' || bytes[i + 1] != 'K' || bytes[i + 2] != 3 || bytes[i + 3] != 4) continue;
            var size = BitConverter.ToUInt32(bytes, i + 18);
            var nameLength = BitConverter.ToUInt16(bytes, i + 26);
            var extraLength = BitConverter.ToUInt16(bytes, i + 28);
            if (size > best.Length) best = (i + 30 + nameLength + extraLength, size);
        }
        Assert.True(best.Length > 3000, "the fixture's largest tensor entry is smaller than the offsets the test flips");
        return best;
    }
}
