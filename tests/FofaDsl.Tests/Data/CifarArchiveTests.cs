using FofaDsl.Data;

namespace FofaDsl.Tests.Data;

/// <summary>The downloaded CIFAR archives are read without unpacking, and a damaged download is refused by name.</summary>
[Collection(TorchCollection.Name)]
public sealed class CifarArchiveTests
{
    [Fact]
    public void A_folder_holding_only_the_downloaded_archive_loads_the_same_images_as_the_unpacked_files()
    {
        using var unpacked = new TempDirectory();
        CifarTestFiles.WriteCifar10(unpacked.Path);
        using var downloads = new TempDirectory();
        CifarTestFiles.WriteArchive(unpacked.Path, Cifar.Cifar10Folder, Path.Combine(downloads.Path, "cifar-10-binary.tar.gz"));

        var fromFiles = Cifar.LoadCifar10(unpacked.Path, CifarSplit.Train);
        var fromArchive = Cifar.LoadCifar10(downloads.Path, CifarSplit.Train);

        Assert.Equal(fromFiles.Labels.ToArray(), fromArchive.Labels.ToArray());
        Assert.Equal(fromFiles.ClassNames, fromArchive.ClassNames);
        for (var i = 0; i < fromFiles.Count; i++) Assert.Equal(fromFiles.Image(i).ToArray(), fromArchive.Image(i).ToArray());
    }

    [Fact]
    public void Cifar100_reads_its_archive_with_either_label_kind()
    {
        using var unpacked = new TempDirectory();
        CifarTestFiles.WriteCifar100(unpacked.Path);
        using var downloads = new TempDirectory();
        CifarTestFiles.WriteArchive(unpacked.Path, Cifar.Cifar100Folder, Path.Combine(downloads.Path, "cifar-100-binary.tar.gz"));

        Assert.Equal([99, 30, 7], Cifar.LoadCifar100(downloads.Path, CifarSplit.Train).Labels.ToArray());
        Assert.Equal([11], Cifar.LoadCifar100(downloads.Path, CifarSplit.Test, Cifar100Labels.Coarse).Labels.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(60)]
    [InlineData(99)]
    [InlineData(400)]
    public void A_flipped_bit_anywhere_near_the_end_is_refused_as_corrupt_naming_the_archive(int bytesFromTheEnd)
    {
        var (downloads, archive) = Archive();
        using var _ = downloads;
        var bytes = File.ReadAllBytes(archive);
        bytes[^bytesFromTheEnd] ^= 0x04;
        File.WriteAllBytes(archive, bytes);

        var error = Assert.Throws<DatasetFormatException>(() => Cifar.LoadCifar10(downloads.Path, CifarSplit.Train));

        Assert.Contains("cifar-10-binary.tar.gz", error.Message);
        Assert.Contains("corrupt", error.Message);
        Assert.Contains("download cifar-10-binary.tar.gz again", error.Message);
        Assert.DoesNotContain("unsupported compression method", error.Message);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.99)]
    public void A_truncated_download_is_refused_naming_the_archive(double keptFraction)
    {
        var (downloads, archive) = Archive();
        using var _ = downloads;
        var bytes = File.ReadAllBytes(archive);
        File.WriteAllBytes(archive, bytes[..(int)(bytes.Length * keptFraction)]);

        var error = Assert.Throws<DatasetFormatException>(() => Cifar.LoadCifar10(downloads.Path, CifarSplit.Train));

        Assert.Contains("cifar-10-binary.tar.gz", error.Message);
        Assert.Matches("corrupt|truncated", error.Message);
    }

    [Fact]
    public void An_archive_without_a_batch_names_what_it_lacks()
    {
        using var unpacked = new TempDirectory();
        CifarTestFiles.WriteCifar10(unpacked.Path);
        File.Delete(Path.Combine(unpacked.Path, "data_batch_4.bin"));
        using var downloads = new TempDirectory();
        CifarTestFiles.WriteArchive(unpacked.Path, Cifar.Cifar10Folder, Path.Combine(downloads.Path, "cifar-10-binary.tar.gz"));

        var error = Assert.Throws<DatasetFormatException>(() => Cifar.LoadCifar10(downloads.Path, CifarSplit.Train));

        Assert.Contains("lacks cifar-10-batches-bin/data_batch_4.bin", error.Message);
    }

    [Fact]
    public void A_damaged_record_inside_the_archive_is_named_by_archive_and_entry()
    {
        using var unpacked = new TempDirectory();
        CifarTestFiles.WriteCifar10(unpacked.Path);
        File.WriteAllBytes(Path.Combine(unpacked.Path, "test_batch.bin"), CifarTestFiles.Cifar10Record(10, 0));
        using var downloads = new TempDirectory();
        CifarTestFiles.WriteArchive(unpacked.Path, Cifar.Cifar10Folder, Path.Combine(downloads.Path, "cifar-10-binary.tar.gz"));

        var error = Assert.Throws<DatasetFormatException>(() => Cifar.LoadCifar10(downloads.Path, CifarSplit.Test));

        Assert.Contains("cifar-10-binary.tar.gz/cifar-10-batches-bin/test_batch.bin: record 0 has label 10", error.Message);
    }

    private static (TempDirectory Downloads, string Archive) Archive()
    {
        using var unpacked = new TempDirectory();
        CifarTestFiles.WriteCifar10(unpacked.Path);
        var downloads = new TempDirectory();
        var archive = Path.Combine(downloads.Path, "cifar-10-binary.tar.gz");
        CifarTestFiles.WriteArchive(unpacked.Path, Cifar.Cifar10Folder, archive);
        return (downloads, archive);
    }
}
