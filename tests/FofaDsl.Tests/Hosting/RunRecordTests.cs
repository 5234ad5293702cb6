using System.Text.Json;
using FofaDsl.Hosting;
using FofaDsl.Tests.Generated;
using FofaDsl.Training;

namespace FofaDsl.Tests.Hosting;

/// <summary>A resume's record of the run: <c>manifest.json</c> read back into the settings it continues with.</summary>
public sealed class RunRecordTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("fofa-record-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private void WriteManifest(object manifest) => File.WriteAllText(Path.Combine(folder, "manifest.json"), JsonSerializer.Serialize(manifest));

    [Fact]
    public void The_runs_settings_replace_the_declared_ones_and_those_neither_given_nor_declared_are_listed()
    {
        // TinyExperiment declares seed 11, 1 epoch, batch 8, AdamW at 1e-3, 32 training images, flips.
        var declared = TinyExperiment.Definition;
        WriteManifest(new
        {
            experiment = declared.Name,
            fingerprint = declared.Fingerprint,
            command = "train",
            methods = new[] { "scratch", "kd" },
            // The settings by option name; the ones this manifest lacks (weight decay, the decay) stay declared.
            settings = new Dictionary<string, string?>
            {
                ["seed"] = "3", ["epochs"] = "5", ["batch-size"] = "8", ["optimizer"] = "Sgd", ["lr"] = "0.1", ["min-lr"] = "0.001", ["momentum"] = "0.5",
                ["data"] = null, ["train-limit"] = "16", ["augmentation"] = "CnnRecipe",
                ["teacher-epochs"] = declared.TeacherEpochs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        });

        var record = RunRecord.Read(folder, declared)!;
        Assert.Equal("train", record.Command);
        Assert.Equal(["scratch", "kd"], record.Methods);

        var restored = record.Restore(declared);
        Assert.Equal((3, 5, OptimizerKind.Sgd, 0.1, 0.001, 0.5), (restored.Seed, restored.Schedule.Epochs, restored.Schedule.Optimizer,
            restored.Schedule.LearningRate, restored.Schedule.MinLearningRate, restored.Schedule.Momentum));
        Assert.Equal((16, AugmentationKind.CnnRecipe, declared.Data.Path), (restored.Data.TrainLimit, restored.Data.Augmentation, restored.Data.Path));
        Assert.Equal(declared.Schedule.WeightDecay, restored.Schedule.WeightDecay);
        Assert.Equal(declared.Schedule.Decay, restored.Schedule.Decay);

        // --lr on the command line is not the record's to adopt; batch size and teacher epochs are the declared ones.
        Assert.Equal(["--epochs 5", "--optimizer Sgd", "--min-lr 0.001", "--momentum 0.5", "--train-limit 16", "--augmentation CnnRecipe", "--seed 3"],
            record.Adopted(declared, new RunOptions { Command = "resume", LearningRate = 0.1 }));
    }

    [Fact]
    public void A_manifest_of_another_declaration_keeps_the_declared_settings()
    {
        var declared = TinyExperiment.Definition;
        WriteManifest(new
        {
            experiment = declared.Name,
            fingerprint = "edited-declaration",
            command = "compare",
            settings = new Dictionary<string, string> { ["seed"] = "3", ["epochs"] = "5", ["optimizer"] = "Sgd" },
        });

        var record = RunRecord.Read(folder, declared)!;
        Assert.Equal("compare", record.Command);
        Assert.Null(record.Methods);
        Assert.Same(declared, record.Restore(declared));
        Assert.Empty(record.Adopted(declared, new RunOptions { Command = "resume" }));
    }

    [Fact]
    public void No_manifest_is_no_record_and_an_unreadable_one_is_refused_naming_it()
    {
        Assert.Null(RunRecord.Read(folder, TinyExperiment.Definition));
        File.WriteAllText(Path.Combine(folder, "manifest.json"), "{ \"command\": ");
        var error = Assert.Throws<InvalidDataException>(() => RunRecord.Read(folder, TinyExperiment.Definition));
        Assert.Contains(Path.Combine(folder, "manifest.json"), error.Message);
    }
}
