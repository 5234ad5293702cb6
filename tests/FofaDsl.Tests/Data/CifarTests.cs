using FofaDsl.Data;
using TorchSharp;

namespace FofaDsl.Tests.Data;

[Collection(TorchCollection.Name)]
public sealed class CifarTests
{
    [Fact]
    public void Cifar10_training_split_concatenates_the_five_batches_in_order()
    {
        using var dir = new TempDirectory();
        CifarTestFiles.WriteCifar10(dir.Path);

        var train = Cifar.LoadCifar10(dir.Path, CifarSplit.Train);

        Assert.Equal(9, train.Count);
        Assert.Equal((3, 32, 32), (train.Channels, train.Height, train.Width));
        Assert.Equal(Enumerable.Range(0, 9).Select(k => (byte)(k % 10)).ToArray(), train.Labels.ToArray());
        // Record k's red plane holds 10 k, its green 10 k + 1.
        Assert.Equal(Enumerable.Range(0, 9).Select(k => (byte)(10 * k)).ToArray(), Enumerable.Range(0, 9).Select(k => train.Image(k)[0]).ToArray());
        Assert.Equal((byte)61, train.Image(6)[CifarTestFiles.PlaneSize]);
        Assert.Equal(CifarTestFiles.Cifar10Names, train.ClassNames);
    }

    [Fact]
    public void Cifar10_test_split_reads_test_batch_only()
    {
        using var dir = new TempDirectory();
        CifarTestFiles.WriteCifar10(dir.Path);

        var test = Cifar.LoadCifar10(dir.Path, CifarSplit.Test);

        Assert.Equal([9, 3], test.Labels.ToArray());
        Assert.Equal([(byte)200, (byte)201, (byte)202], [test.Image(0)[0], test.Image(0)[CifarTestFiles.PlaneSize], test.Image(0)[2 * CifarTestFiles.PlaneSize]]);
        Assert.Equal(10, test.ClassCount);
    }

    [Fact]
    public void A_record_lands_at_n_c_y_x_and_is_normalised_per_channel()
    {
        using var dir = new TempDirectory();
        // Pixel (c, y, x) of the record holds (c * 64 + y * 2 + x) % 256: every plane and position differs.
        var record = new byte[1 + CifarTestFiles.PixelBytes];
        record[0] = 4;
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 32; y++)
                for (int x = 0; x < 32; x++)
                    record[1 + c * 1024 + y * 32 + x] = (byte)((c * 64 + y * 2 + x) % 256);
        File.WriteAllBytes(Path.Combine(dir.Path, "test_batch.bin"), CifarTestFiles.Concat(CifarTestFiles.Cifar10Record(0, 0), record));
        File.WriteAllText(Path.Combine(dir.Path, "batches.meta.txt"), string.Join("\n", CifarTestFiles.Cifar10Names));

        var dataset = Cifar.LoadCifar10(dir.Path, CifarSplit.Test);
        var loader = new BatchLoader(dataset, BatchLoaderOptions.Evaluation(batchSize: 2));
        var (images, labels) = loader.Epoch(0).Single();
        using (images)
        using (labels)
        {
            Assert.Equal([2L, 3, 32, 32], images.shape);
            Assert.Equal(4L, labels[1].item<long>());
            float[] mean = [0.4914f, 0.4822f, 0.4465f];
            float[] std = [0.2470f, 0.2435f, 0.2616f];
            foreach (var (c, y, x) in new[] { (0, 0, 0), (0, 31, 5), (1, 3, 7), (2, 10, 20), (2, 31, 31) })
            {
                int raw = (c * 64 + y * 2 + x) % 256;
                Assert.Equal(raw, dataset.Image(1)[c * 1024 + y * 32 + x]);
                Assert.Equal((raw / 255f - mean[c]) / std[c], images[1, c, y, x].item<float>(), 5);
            }
        }
    }

    [Fact]
    public void Datasets_carry_the_cifar_channel_statistics()
    {
        using var dir = new TempDirectory();
        CifarTestFiles.WriteCifar10(dir.Path);
        CifarTestFiles.WriteCifar100(dir.Path);

        var cifar10 = Cifar.LoadCifar10(dir.Path, CifarSplit.Test);
        var cifar100 = Cifar.LoadCifar100(dir.Path, CifarSplit.Test);

        Assert.Equal([0.4914f, 0.4822f, 0.4465f], cifar10.ChannelMean);
        Assert.Equal([0.2470f, 0.2435f, 0.2616f], cifar10.ChannelStd);
        Assert.Equal([0.5071f, 0.4865f, 0.4409f], cifar100.ChannelMean);
        Assert.Equal([0.2673f, 0.2564f, 0.2762f], cifar100.ChannelStd);
        Assert.Equal((0.4914f + 0.4822f + 0.4465f) / 3, cifar10.Mean, 5);
    }

    [Fact]
    public void Cifar100_uses_the_fine_labels_and_names_by_default()
    {
        using var dir = new TempDirectory();
        CifarTestFiles.WriteCifar100(dir.Path);

        var train = Cifar.LoadCifar100(dir.Path, CifarSplit.Train);
        var test = Cifar.LoadCifar100(dir.Path, CifarSplit.Test);

        Assert.Equal([99, 30, 7], train.Labels.ToArray());
        Assert.Equal(100, train.ClassCount);
        Assert.Equal("fine_30", train.ClassNames[30]);
        Assert.Equal([(byte)50, (byte)51, (byte)52], [train.Image(1)[0], train.Image(1)[1024], train.Image(1)[2048]]);
        Assert.Equal([55], test.Labels.ToArray());
        Assert.Equal((byte)250, test.Image(0)[1023]);
    }

    [Fact]
    public void Cifar100_can_use_the_coarse_labels()
    {
        using var dir = new TempDirectory();
        CifarTestFiles.WriteCifar100(dir.Path);

        var train = Cifar.LoadCifar100(dir.Path, CifarSplit.Train, Cifar100Labels.Coarse);

        Assert.Equal([19, 4, 0], train.Labels.ToArray());
        Assert.Equal(20, train.ClassCount);
        Assert.Equal("coarse_04", train.ClassNames[4]);
    }

    [Fact]
    public void The_parent_of_the_unpacked_folder_works_too()
    {
        using var dir = new TempDirectory();
        string unpacked = Directory.CreateDirectory(Path.Combine(dir.Path, "cifar-10-batches-bin")).FullName;
        CifarTestFiles.WriteCifar10(unpacked);

        Assert.Equal(2, Cifar.LoadCifar10(dir.Path, CifarSplit.Test).Count);
    }

    [Fact]
    public void A_size_that_is_not_whole_records_names_the_file_and_the_record_size()
    {
        using var dir = new TempDirectory();
        CifarTestFiles.WriteCifar10(dir.Path);
        string path = Path.Combine(dir.Path, "data_batch_4.bin");
        File.WriteAllBytes(path, new byte[3073 + 100]);

        var error = Assert.Throws<DatasetFormatException>(() => Cifar.LoadCifar10(dir.Path, CifarSplit.Train));

        Assert.Equal(path, error.FileName);
        Assert.Contains(path, error.Message);
        Assert.Contains("3173 bytes", error.Message);
        Assert.Contains("3073-byte", error.Message);
        Assert.Contains("cifar-10-binary.tar.gz", error.Message);
    }

    [Fact]
    public void A_cifar100_file_read_as_cifar10_is_recognised()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(Path.Combine(dir.Path, "test_batch.bin"), CifarTestFiles.Concat(CifarTestFiles.Cifar100Record(1, 2, 3)));
        File.WriteAllText(Path.Combine(dir.Path, "batches.meta.txt"), string.Join("\n", CifarTestFiles.Cifar10Names));

        var error = Assert.Throws<DatasetFormatException>(() => Cifar.LoadCifar10(dir.Path, CifarSplit.Test));

        Assert.Contains("is it a CIFAR-100 file?", error.Message);
    }

    [Fact]
    public void An_empty_batch_file_is_rejected()
    {
        using var dir = new TempDirectory();
        CifarTestFiles.WriteCifar100(dir.Path);
        File.WriteAllBytes(Path.Combine(dir.Path, "test.bin"), []);

        var error = Assert.Throws<DatasetFormatException>(() => Cifar.LoadCifar100(dir.Path, CifarSplit.Test));

        Assert.Contains("test.bin: 0 bytes", error.Message);
    }

    [Fact]
    public void A_cifar10_label_of_10_names_the_file_and_the_record()
    {
        using var dir = new TempDirectory();
        CifarTestFiles.WriteCifar10(dir.Path);
        string path = Path.Combine(dir.Path, "data_batch_2.bin");
        File.WriteAllBytes(path, CifarTestFiles.Concat(CifarTestFiles.Cifar10Record(9, 0), CifarTestFiles.Cifar10Record(10, 0)));

        var error = Assert.Throws<DatasetFormatException>(() => Cifar.LoadCifar10(dir.Path, CifarSplit.Train));

        Assert.Equal(path, error.FileName);
        Assert.Contains("record 1 has label 10", error.Message);
        Assert.Contains("classes 0-9", error.Message);
    }

    [Theory]
    [InlineData(0, 100, "fine label 100", "classes 0-99")]
    [InlineData(20, 0, "coarse label 20", "classes 0-19")]
    public void A_cifar100_label_out_of_range_is_named(int coarse, int fine, string label, string range)
    {
        using var dir = new TempDirectory();
        CifarTestFiles.WriteCifar100(dir.Path);
        File.WriteAllBytes(Path.Combine(dir.Path, "test.bin"), CifarTestFiles.Cifar100Record((byte)coarse, (byte)fine, 0));

        var error = Assert.Throws<DatasetFormatException>(() => Cifar.LoadCifar100(dir.Path, CifarSplit.Test));

        Assert.Contains("test.bin: record 0 has " + label, error.Message);
        Assert.Contains(range, error.Message);
    }

    [Fact]
    public void A_missing_batch_lists_the_files_looked_for_and_asks_for_the_binary_version()
    {
        using var dir = new TempDirectory();
        CifarTestFiles.WriteCifar10(dir.Path);
        File.Delete(Path.Combine(dir.Path, "data_batch_3.bin"));

        var error = Assert.Throws<FileNotFoundException>(() => Cifar.LoadCifar10(dir.Path, CifarSplit.Train));

        Assert.Contains("data_batch_3.bin is missing", error.Message);
        Assert.Contains(dir.Path, error.Message);
        Assert.Contains("data_batch_1.bin, data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin, batches.meta.txt", error.Message);
        Assert.Contains("binary version", error.Message);
        Assert.Contains("cifar-10-binary.tar.gz", error.Message);
        Assert.Equal(Path.Combine(dir.Path, "data_batch_3.bin"), error.FileName);
    }

    [Fact]
    public void A_missing_names_file_is_reported()
    {
        using var dir = new TempDirectory();
        CifarTestFiles.WriteCifar100(dir.Path);
        File.Delete(Path.Combine(dir.Path, "fine_label_names.txt"));

        var error = Assert.Throws<FileNotFoundException>(() => Cifar.LoadCifar100(dir.Path, CifarSplit.Train));

        Assert.Contains("fine_label_names.txt is missing", error.Message);
        Assert.Contains("cifar-100-binary.tar.gz", error.Message);
    }

    [Fact]
    public void The_python_version_is_recognised_and_refused()
    {
        using var dir = new TempDirectory();
        string python = Directory.CreateDirectory(Path.Combine(dir.Path, "cifar-10-batches-py")).FullName;
        File.WriteAllBytes(Path.Combine(python, "data_batch_1"), [0x80, 0x02]);

        var error = Assert.Throws<DatasetFormatException>(() => Cifar.LoadCifar10(dir.Path, CifarSplit.Train));

        Assert.Contains("python (pickle) version", error.Message);
        Assert.Contains("cifar-10-binary.tar.gz", error.Message);
    }

    [Fact]
    public void A_missing_directory_is_named()
    {
        string missing = Path.Combine(Path.GetTempPath(), "fofadsl-no-cifar-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<DirectoryNotFoundException>(() => Cifar.LoadCifar100(missing, CifarSplit.Test));

        Assert.Contains(missing, error.Message);
        Assert.Contains("test.bin", error.Message);
    }

    [Fact]
    public void A_names_file_with_the_wrong_count_is_rejected()
    {
        using var dir = new TempDirectory();
        CifarTestFiles.WriteCifar10(dir.Path);
        File.WriteAllText(Path.Combine(dir.Path, "batches.meta.txt"), "airplane\nautomobile\n");

        var error = Assert.Throws<DatasetFormatException>(() => Cifar.LoadCifar10(dir.Path, CifarSplit.Test));

        Assert.Contains("batches.meta.txt: expected 10 CIFAR-10 class names", error.Message);
        Assert.Contains("found 2", error.Message);
    }
}
