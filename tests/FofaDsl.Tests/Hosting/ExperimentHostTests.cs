using FofaDsl.Tests.Generated;

namespace FofaDsl.Tests.Hosting;

/// <summary>The generated <c>RunAsync</c> end to end on a tiny experiment.</summary>
[Collection(TorchCollection.Name)]
public sealed class ExperimentHostTests : IDisposable
{
    private readonly string output = Path.Combine(Path.GetTempPath(), "fofa-host-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
    }

    [Fact]
    public async Task Check_builds_the_graph_and_runs_one_step()
    {
        var printed = await HostRun.Succeeds(TinyExperiment.Definition, ["check"]);

        // Every declared run built its step and reported its terms; both models printed their four stages.
        foreach (var method in TinyExperiment.Definition.Methods)
            Assert.Matches($@"(?m)^{System.Text.RegularExpressions.Regex.Escape($"{method.DisplayName}: ")}[\d,]+ trainable parameters$", printed);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(printed, @"(?m)^  stage 4: declared ").Count);
        Assert.EndsWith("check passed", printed.TrimEnd());
    }

    [Fact]
    public async Task Compare_writes_a_row_per_model_and_the_same_seed_gives_the_same_numbers()
    {
        string[] Args(string folder) => ["compare", "--out", folder, "--methods", "scratch,kd,fofa"];
        await HostRun.Succeeds(TinyExperiment.Definition, Args(Path.Combine(output, "a")));
        await HostRun.Succeeds(TinyExperiment.Definition, Args(Path.Combine(output, "b")));

        // Rows without the wall time (the last field), which differs between runs.
        string[] Rows(string folder) => File.ReadAllLines(Directory.GetFiles(Path.Combine(output, folder), "results-*.csv").Single())
            .Select(line => line[..line.LastIndexOf(',')])
            .ToArray();
        var first = Rows("a");
        Assert.Equal("model,method,seed,top1", first[0]);
        Assert.Equal(5, first.Length); // header, teacher, scratch, kd, fofa
        Assert.Equal(["Supervised", "scratch (Scratch)", "kd (Logit KD)", "fofa (FOFA)"], first[1..].Select(r => r.Split("\",\"")[1].Split('"')[0]));
        Assert.Equal(first, Rows("b"));
        Assert.True(File.Exists(Path.Combine(output, "a", "teacher.safetensors")));
        Assert.True(File.Exists(Path.Combine(output, "a", "student-fofa.safetensors")));
        foreach (var file in new[] { "accuracy.png", "loss-fofa.png", "metrics-fofa.csv", "metrics-teacher.csv" })
            Assert.True(File.Exists(Path.Combine(output, "a", file)), file);
        Assert.Single(Directory.GetFiles(Path.Combine(output, "a", "tensorboard"), "events.out.tfevents.*"));
        Assert.Contains("feature", File.ReadLines(Path.Combine(output, "a", "metrics-fofa.csv")).First());
    }

    [Fact]
    public async Task A_CIFAR_10_experiment_reads_its_binary_files_from_the_data_folder()
    {
        var data = Path.Combine(output, "cifar");
        Directory.CreateDirectory(data);
        FofaDsl.Tests.Data.CifarTestFiles.WriteCifar10(data);
        Assert.Equal(3, TinyCifarExperiment.Spec.InputChannels);
        var printed = await HostRun.Succeeds(TinyCifarExperiment.Definition, ["compare", "--out", Path.Combine(output, "cifar-run"), "--data", data, "--methods", "fofa"]);
        // The files hold 9 training records (batches of 3, 3, 1, 1, 1) and 2 test records.
        Assert.Contains($"9 training and 2 held-out images (Cifar10, {data})", printed);
        Assert.Matches(@"\| fofa \(FOFA\) +\| +\d+\.\d\d%", printed);

        // Without the files, the run fails with an error that names the folder, instead of a crash.
        var missing = Path.Combine(output, "nothing-here");
        var (code, _, error) = await HostRun.Run(TinyCifarExperiment.Definition, "compare", "--out", Path.Combine(output, "cifar-missing"), "--data", missing);
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", error);
        Assert.Contains(missing, error);
    }

    [Fact]
    public async Task The_ViT_recipe_with_soft_targets_trains_every_method_and_repeats_exactly()
    {
        string[] Args(string folder) => ["compare", "--out", Path.Combine(output, folder), "--methods", "dkd,ofa,fofa"];
        await HostRun.Succeeds(TinyAugmentedExperiment.Definition, Args("aug-a"));
        await HostRun.Succeeds(TinyAugmentedExperiment.Definition, Args("aug-b"));
        string[] Rows(string folder) => File.ReadAllLines(Directory.GetFiles(Path.Combine(output, folder), "results-*.csv").Single())
            .Select(line => line[..line.LastIndexOf(',')]).ToArray();
        Assert.Equal(5, Rows("aug-a").Length); // header, teacher, three students
        Assert.Equal(Rows("aug-a"), Rows("aug-b"));
    }

    [Fact]
    public async Task Every_baseline_runs_through_the_generated_program()
    {
        await HostRun.Succeeds(TinyExperiment.Definition, ["compare", "--out", Path.Combine(output, "baselines"), "--methods", "dkd,dist,fitnet,ofa"]);
        var rows = File.ReadAllLines(Directory.GetFiles(Path.Combine(output, "baselines"), "results-*.csv").Single());
        Assert.Equal(["Supervised", "dkd (DKD)", "dist (DIST)", "fitnet (FitNet)", "ofa (OFA)"], rows[1..].Select(r => r.Split("\",\"")[1].Split('"')[0]));
    }

    [Fact]
    public async Task A_saved_teacher_is_reused_and_a_mismatched_one_is_refused()
    {
        var first = Path.Combine(output, "first");
        // A run of methods without a teacher trains none.
        await HostRun.Succeeds(TinyExperiment.Definition, ["compare", "--out", first, "--methods", "scratch"]);
        var teacher = Path.Combine(first, "teacher.safetensors");
        Assert.False(File.Exists(teacher));
        // A new run into the folder of another is refused (it would mix the two runs' files) unless it replaces it.
        var (code, _, error) = await HostRun.Run(TinyExperiment.Definition, "compare", "--out", first, "--methods", "kd");
        Assert.Equal(2, code);
        Assert.Contains($"'{first}' holds another run", error);
        Assert.Contains($"Continue it with resume --out {first}, write this run to another --out, or pass --overwrite to replace it. Nothing was written.", error);
        Assert.True(File.Exists(Path.Combine(first, "student-scratch.safetensors")));
        var replaced = await HostRun.Succeeds(TinyExperiment.Definition, ["compare", "--out", first, "--methods", "kd", "--overwrite"]);
        Assert.Contains("--overwrite: removed the earlier run's", replaced);
        Assert.False(File.Exists(Path.Combine(first, "student-scratch.safetensors")));
        Assert.True(File.Exists(Path.Combine(first, "student-kd.safetensors")));
        await HostRun.Succeeds(TinyExperiment.Definition, ["compare", "--out", Path.Combine(output, "second"), "--methods", "kd", "--teacher-weights", teacher]);

        // TinyReverseExperiment's teacher is a ResNet: the ViT weights must not load into it.
        var before = File.ReadAllBytes(teacher);
        Assert.Equal(1, await TinyReverseExperiment.RunAsync(["compare", "--out", Path.Combine(output, "third"), "--teacher-weights", teacher]));
        Assert.Equal(before, File.ReadAllBytes(teacher));
    }

    [Fact]
    public async Task A_teacher_from_a_PyTorch_checkpoint_is_loaded_by_name()
    {
        Directory.CreateDirectory(output);
        var checkpoint = Path.Combine(output, "teacher.safetensors");
        TorchSharp.torch.manual_seed(21);
        TorchSharp.PyBridge.PyBridgeModuleExtensions.save_safetensors(TinyExperiment.CreateTeacher(), checkpoint);
        await HostRun.Succeeds(TinyExperiment.Definition, ["compare", "--out", Path.Combine(output, "pt"), "--methods", "kd", "--teacher-weights", checkpoint]);

        // A student starts from a checkpoint with another class count (1000): its classifier is skipped.
        var studentCheckpoint = Path.Combine(output, "student.safetensors");
        var pretrained = new FofaDsl.Backbones.ResNet(FofaDsl.Backbones.ResNetOptions.ResNet18(1000, FofaDsl.Backbones.ResNetStem.Cifar, 28, 1) with { BaseWidth = 4 });
        TorchSharp.PyBridge.PyBridgeModuleExtensions.save_safetensors(pretrained, studentCheckpoint);
        await HostRun.Succeeds(TinyExperiment.Definition, ["compare", "--out", Path.Combine(output, "init"), "--methods", "scratch", "--teacher-weights", checkpoint, "--student-weights", studentCheckpoint]);

        // The reverse experiment's teacher is a ResNet: every name mismatches, and the run says so.
        Assert.Equal(1, await TinyReverseExperiment.RunAsync(["compare", "--out", Path.Combine(output, "bad"), "--teacher-weights", checkpoint]));
    }

    [Fact]
    public async Task A_missing_weights_file_is_refused_before_the_previous_runs_record_is_replaced()
    {
        var folder = Path.Combine(output, "kept");
        await HostRun.Succeeds(TinyExperiment.Definition, ["compare", "--out", folder, "--methods", "scratch"]);
        var manifest = File.ReadAllText(Path.Combine(folder, "manifest.json"));
        var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order().ToList();

        var typo = Path.Combine(output, "teacher-typo.safetensors");
        var (code, _, error) = await HostRun.Run(TinyExperiment.Definition, "compare", "--out", folder, "--methods", "kd", "--teacher-weights", typo);
        Assert.Equal(1, code);
        Assert.Contains($"Teacher weights '{typo}'", error);
        Assert.Contains("leave the option out to train the teacher", error);

        var studentTypo = Path.Combine(output, "student-typo.safetensors");
        (code, _, error) = await HostRun.Run(TinyExperiment.Definition, "train", "--out", folder, "--methods", "scratch", "--student-weights", studentTypo);
        Assert.Equal(1, code);
        Assert.Contains($"Student weights '{studentTypo}'", error);
        Assert.Contains("does not exist", error);
        Assert.Contains("random initialisation", error);

        // A text file, or binary bytes, given as weights: said plainly, and no raw bytes reach the terminal.
        var notes = Path.Combine(output, "notes.txt");
        File.WriteAllText(notes, "teacher trained on 2026-12-01, 92.4 % held-out\n");
        (code, _, error) = await HostRun.Run(TinyExperiment.Definition, "eval", "--weights", notes);
        Assert.Equal(1, code);
        Assert.Contains($"Weights file '{notes}' is a text file, not weights", error);
        var noise = Path.Combine(output, "noise.dat");
        File.WriteAllBytes(noise, Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 % 256)).ToArray());
        (code, _, error) = await HostRun.Run(TinyExperiment.Definition, "eval", "--weights", noise);
        Assert.Equal(1, code);
        Assert.Contains($"Weights file '{noise}'", error);
        Assert.DoesNotContain(error.TrimEnd(), c => char.IsControl(c) && c != '\n' && c != '\r');

        // A folder where a file is expected is named as a folder, not as missing.
        (code, _, error) = await HostRun.Run(TinyExperiment.Definition, "compare", "--out", folder, "--methods", "kd", "--teacher-weights", output);
        Assert.Equal(1, code);
        Assert.Contains($"Teacher weights '{output}' (--teacher-weights, or Weights on [Teacher]) is a folder, not a file", error);
        (code, _, error) = await HostRun.Run(TinyExperiment.Definition, "eval", "--out", folder, "--checkpoint", output);
        Assert.Equal(1, code);
        Assert.Contains($"Checkpoint '{output}' is a folder, not a file", error);

        (code, _, error) = await HostRun.Run(TinyExperiment.Definition, "compare", "--out", folder, "--methods", "kd,fofa", "--teacher-epochs", "0");
        Assert.Equal(2, code);
        Assert.Contains("The methods that distil (kd, fofa) need a teacher", error);

        // Weights given for a student that cannot take them: refused before the teacher is trained.
        var wrongStudent = Path.Combine(output, "wider-student.dat");
        using (var wider = new FofaDsl.Backbones.ResNet(FofaDsl.Backbones.ResNetOptions.ResNet18(10, FofaDsl.Backbones.ResNetStem.Cifar, 28, 1) with { BaseWidth = 8 }))
            FofaDsl.Hosting.ModelWeights.Save(wider, wrongStudent);
        (code, _, error) = await HostRun.Run(TinyExperiment.Definition, "compare", "--out", folder, "--student-weights", wrongStudent);
        Assert.Equal(1, code);
        Assert.Contains(wrongStudent, error);
        Assert.False(Directory.Exists(Path.Combine(folder, "checkpoints", "teacher")));

        // A method without a teacher does not read the teacher's weights, so their absence is not its concern.
        Assert.Equal(manifest, File.ReadAllText(Path.Combine(folder, "manifest.json")));
        Assert.Equal(files, Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order().ToList());
        await HostRun.Succeeds(TinyExperiment.Definition, ["train", "--out", Path.Combine(output, "no-teacher"), "--methods", "scratch", "--teacher-weights", typo]);
    }

    [Fact]
    public async Task An_output_folder_that_cannot_be_created_is_named()
    {
        // A file where the folder should be: no permission trick needed, and it fails the same as root or not.
        Directory.CreateDirectory(output);
        var blocker = Path.Combine(output, "a-file");
        File.WriteAllText(blocker, "not a folder");
        var (code, _, error) = await HostRun.Run(TinyExperiment.Definition, "compare", "--out", Path.Combine(blocker, "run"), "--methods", "scratch");
        Assert.Equal(1, code);
        Assert.Contains($"Cannot create the output folder '{Path.Combine(blocker, "run")}'", error);
        Assert.Contains("Pass --out with a folder you can write to", error);
        Assert.Equal("not a folder", File.ReadAllText(blocker));
    }

    [Fact]
    public async Task Eval_of_a_missing_checkpoint_says_how_to_get_one()
    {
        var (code, _, error) = await HostRun.Run(TinyExperiment.Definition, "eval", "--out", Path.Combine(output, "never-trained"));
        Assert.Equal(1, code);
        Assert.Contains("best.ckpt' does not exist", error);
        Assert.Contains("Train the method first", error);
    }

    [Fact]
    public async Task An_experiment_without_a_teacher_trains_the_student_alone()
    {
        var folder = Path.Combine(output, "scratch-only");
        await HostRun.Succeeds(TinyScratchExperiment.Definition, ["compare", "--out", folder]);
        Assert.False(File.Exists(Path.Combine(folder, "teacher.safetensors")));
        Assert.True(File.Exists(Path.Combine(folder, "student-scratch.safetensors")));
    }

    [Theory]
    [InlineData("--epochs", "0")]
    [InlineData("--methods", "fofa,crd2")]
    [InlineData("--no-such-option")]
    [InlineData("train-everything")]
    public async Task Bad_arguments_exit_with_2(params string[] args)
    {
        Assert.Equal(2, await TinyExperiment.RunAsync(args));
    }
}
