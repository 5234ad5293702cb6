using FofaDsl.Data;
using FofaDsl.Methods.Fofa;
using FofaDsl.Methods.Kd;
using FofaDsl.Methods;
using FofaDsl.Tests.Hosting;
using FofaDsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Generated;

/// <summary>The code the generator emits for real experiment classes, run for real.</summary>
[Collection(TorchCollection.Name)]
public sealed class GeneratedProgramTests
{
    [Fact]
    public void Declared_stage_geometry_matches_the_built_models()
    {
        Assert.Equal(TinyExperiment.Spec.TeacherStages, TinyExperiment.CreateTeacher().StageGeometries);
        Assert.Equal(TinyExperiment.Spec.StudentStages, TinyExperiment.CreateStudent().StageGeometries);
        Assert.Equal(TinyExperiment.Spec.TeacherStem, TinyExperiment.CreateTeacher().StemGeometry);
        Assert.Equal(TinyReverseExperiment.Spec.TeacherStages, TinyReverseExperiment.CreateTeacher().StageGeometries);
        Assert.Equal(TinyReverseExperiment.Spec.StudentStages, TinyReverseExperiment.CreateStudent().StageGeometries);
        Assert.Equal(2, TinyExperiment.Spec.RegionGrid);
    }

    [Fact]
    public void Spec_holds_every_resolved_setting_and_the_definition_is_built_from_it()
    {
        // Declared: [Schedule(..., Optimizer = Sgd, LearningRate = 0.01, WarmupEpochs = 0)], [Data(..., ImageSize = 32, TrainLimit = 32)].
        Assert.Equal(OptimizerKind.Sgd, TinyReverseExperiment.Spec.Optimizer);
        Assert.Equal(0.01, TinyReverseExperiment.Spec.LearningRate);
        Assert.Equal(0, TinyReverseExperiment.Spec.WarmupEpochs);
        Assert.Equal(32, TinyReverseExperiment.Spec.TrainLimit);
        // Not declared: the attributes' defaults.
        Assert.Equal(0.05, TinyReverseExperiment.Spec.WeightDecay);
        Assert.Equal(LearningRateDecay.Cosine, TinyReverseExperiment.Spec.Decay);
        Assert.Equal(0.1, TinyReverseExperiment.Spec.LabelSmoothing);
        Assert.Null(TinyReverseExperiment.Spec.DataPath);
        Assert.Equal(AugmentationKind.Flip, TinyReverseExperiment.Spec.Augmentation);

        var definition = TinyReverseExperiment.Definition;
        Assert.Equal(new TrainingSchedule(TinyReverseExperiment.Spec.Epochs, 8, OptimizerKind.Sgd, 0.01, TinyReverseExperiment.Spec.MinLearningRate, 0.05, 0.9, 0), definition.Schedule);
        Assert.Equal(new FofaDsl.Hosting.DataSettings(DatasetKind.FashionMnist, null, 32, 32, 10, AugmentationKind.Flip), definition.Data);
        Assert.Equal(TinyReverseExperiment.Spec.CrossEntropyWeight, definition.Weights.CrossEntropy);
    }

    [Fact]
    public void Zoo_pairs_declare_the_geometry_their_models_produce()
    {
        Assert.Equal(TinySwinToMixer.Spec.TeacherStages, TinySwinToMixer.CreateTeacher().StageGeometries);
        Assert.Equal(TinySwinToMixer.Spec.StudentStages, TinySwinToMixer.CreateStudent().StageGeometries);
        Assert.Equal(TinyConvNeXtToMobileNet.Spec.TeacherStages, TinyConvNeXtToMobileNet.CreateTeacher().StageGeometries);
        Assert.Equal(TinyConvNeXtToMobileNet.Spec.StudentStages, TinyConvNeXtToMobileNet.CreateStudent().StageGeometries);
        Assert.Equal(TinyResMlpToVit.Spec.TeacherStages, TinyResMlpToVit.CreateTeacher().StageGeometries);
        Assert.Equal(TinyResMlpToVit.Spec.StudentStages, TinyResMlpToVit.CreateStudent().StageGeometries);
    }

    [Fact]
    public async Task A_users_own_model_declared_with_StageGeometry_is_a_student()
    {
        Assert.Equal(TinyUserExperiment.Spec.StudentStages, TinyUserExperiment.CreateStudent().StageGeometries);
        Assert.Contains("check passed", await HostRun.Succeeds(TinyUserExperiment.Definition, ["check"]));
    }

    [Fact]
    public async Task A_users_model_whose_properties_contradict_its_StageGeometry_is_refused_when_built()
    {
        var error = Assert.Throws<FofaDsl.Backbones.StageGeometryMismatchException>(TinyMisdeclaredExperiment.CreateStudent);
        Assert.Contains("TinyMisdeclaredNet does not match its [StageGeometry]: its stage 3 is", error.Message);
        Assert.Contains("declared [B, 32, 7, 7]", error.Message);

        var output = new StringWriter();
        Assert.Equal(1, await FofaDsl.Hosting.ExperimentHost.RunAsync(TinyMisdeclaredExperiment.Definition, ["check"], TextWriter.Null, output));
        Assert.Contains("TinyMisdeclaredNet does not match its [StageGeometry]", output.ToString());
    }

    [Fact]
    public async Task A_plain_module_read_through_taps_is_a_student_of_every_declared_method()
    {
        torch.manual_seed(3);
        var student = TinyTappedExperiment.CreateStudent();
        using var images = randn(2, 1, 28, 28);
        var (logits, stages) = student.ForwardWithStages(images);
        for (var i = 0; i < 4; i++) Assert.Equal(TinyTappedExperiment.Spec.StudentStages[i].ShapeFor(2), stages[i].shape);
        // The taps observe the model's own forward: the logits are the plain model's.
        Assert.Equal(student.Model.call(images).data<float>().ToArray(), logits.data<float>().ToArray());
        Assert.Equal(["scratch", "kd", "fitnet", "cc", "fofa"], TinyTappedExperiment.Spec.Methods);
        Assert.Contains("check passed", await HostRun.Succeeds(TinyTappedExperiment.Definition, ["check"]));
    }

    [Fact]
    public void A_tap_whose_declared_shape_is_wrong_fails_naming_the_stage_and_the_fix()
    {
        torch.manual_seed(3);
        var model = new TinyTapNet(10, 28, 1);
        var wrong = TinyTappedExperiment.Spec.StudentStages.Select((g, i) => i == 2 ? g with { Channels = 99 } : g).ToArray();
        var tapped = new FofaDsl.Backbones.TappedBackbone<TinyTapNet>(model, 10, [model.conv1, model.conv2, model.conv3, model.conv4], wrong);
        var error = Assert.Throws<FofaDsl.Backbones.StageGeometryMismatchException>(() => tapped.ForwardWithStages(randn(1, 1, 28, 28)));
        Assert.Contains("Stage 3", error.Message);
        Assert.Contains("Channels", error.Message);
    }

    [Fact]
    public void Declared_methods_become_runs_in_order_with_their_settings()
    {
        Assert.Equal(["scratch", "kd", "dkd", "dist", "fitnet", "ofa", "cc", "rkd", "crd", "kd+fitnet", "fofa"], TinyExperiment.Spec.Methods);
        var definition = TinyExperiment.Definition;
        Assert.Equal("kd+fitnet (Logit KD + FitNet)", definition.FindMethod("kd+fitnet")!.DisplayName);
        Assert.False(definition.FindMethod("scratch")!.NeedsTeacher);
        Assert.True(definition.FindMethod("crd")!.NeedsTeacher);
        // No teacher declared: nothing to build, and only teacher-free methods.
        Assert.Null(TinyScratchExperiment.Definition.CreateTeacher);
        Assert.Equal(["scratch"], TinyScratchExperiment.Definition.Methods.Select(m => m.Name));
    }

    [Fact]
    public void Each_run_is_labelled_by_its_name_and_what_it_lacks_against_the_full_method_whatever_the_declaration_order()
    {
        Assert.Equal(
            ["fitnet (FitNet)", "raa (FOFA without prompts)", "raa-afp-nofb (FOFA without feedback)", "fofa (FOFA)"],
            TinyTable4Experiment.Definition.Methods.Select(m => m.DisplayName));
    }

    [Fact]
    public void Several_FOFA_runs_are_an_ablation_table_each_with_its_own_settings()
    {
        var definition = TinyAblationExperiment.Definition;
        Assert.Equal(["fofa", "fofa-no-raa", "fofa-no-afp"], definition.Methods.Select(m => m.Name));
        Assert.Equal(["fofa (FOFA)", "fofa-no-raa (FOFA without RAA)", "fofa-no-afp (FOFA without prompts, with N 4)"], definition.Methods.Select(m => m.DisplayName));
        // Settings the runs disagree on are not Spec constants; the shared ones are.
        Assert.Null(typeof(TinyAblationExperiment.Spec).GetField("Queries"));
        Assert.Null(typeof(TinyAblationExperiment.Spec).GetProperty("PromptStages"));
        Assert.Equal(16, TinyAblationExperiment.Spec.TokenWidth);

        torch.manual_seed(2);
        var teacher = TinyAblationExperiment.CreateTeacher();
        using var images = randn(2, 1, 28, 28);
        var labels = tensor(new long[] { 1, 7 });
        var terms = new Dictionary<string, string[]>();
        var modules = new Dictionary<string, string[]>();
        foreach (var method in definition.Methods)
        {
            var step = (DistillationStep)method.CreateStep(new(teacher, TinyAblationExperiment.CreateStudent(), 16));
            Assert.Equal(method.DisplayName, step.MethodName);
            var output = step.Compute(images, labels);
            Assert.True(float.IsFinite(output.Total.item<float>()));
            terms[method.Name] = output.Terms.Select(term => term.Name).ToArray();
            modules[method.Name] = step.StatefulModules.OfType<FofaModules>().Single().named_modules().Select(m => m.name).ToArray();
        }
        Assert.Equal(["ce", "kd", "feature", "prompt-reg"], terms["fofa"]);
        Assert.Equal(["ce", "kd", "feature"], terms["fofa-no-afp"]);
        // Each ablation removes its component's modules and keeps the others.
        bool Has(string run, string module) => modules[run].Any(name => name.StartsWith(module + ".", StringComparison.Ordinal));
        Assert.True(Has("fofa", "region_attention") && Has("fofa", "prompt_blocks"));
        Assert.True(!Has("fofa-no-raa", "region_attention") && Has("fofa-no-raa", "prompt_blocks"));
        Assert.True(Has("fofa-no-afp", "region_attention") && !Has("fofa-no-afp", "prompt_blocks"));
    }

    [Fact]
    public async Task Combined_and_embedding_methods_run_a_step_through_the_generated_program()
    {
        Assert.Contains("check passed", await HostRun.Succeeds(TinyExperiment.Definition, ["check", "--methods", "kd+fitnet,cc,rkd,crd"]));
    }

    [Fact]
    public async Task Zoo_pairs_run_one_FOFA_step_through_the_generated_program()
    {
        Assert.Contains("check passed", await HostRun.Succeeds(TinySwinToMixer.Definition, ["check"]));
        Assert.Contains("check passed", await HostRun.Succeeds(TinyConvNeXtToMobileNet.Definition, ["check"]));
        Assert.Contains("check passed", await HostRun.Succeeds(TinyResMlpToVit.Definition, ["check"]));
    }

    [Fact]
    public void A_generated_fofa_run_is_the_cross_entropy_plus_kd_and_fofa_terms()
    {
        torch.manual_seed(1);
        var teacher = TinyExperiment.CreateTeacher();
        var step = TinyExperiment.CreateFofaStep(new(teacher, TinyExperiment.CreateStudent(), 16));

        Assert.Equal(["kd", "fofa"], step.Terms.Select(t => t.Name));
        var kd = Assert.IsType<KdTerm>(step.Terms[0]);
        Assert.Equal(TinyExperiment.Spec.LogitKdWeight, kd.Options.Weight);
        Assert.Equal(TinyExperiment.Spec.Temperature, kd.Options.Temperature);
        var fofa = Assert.IsType<FofaTerm>(step.Terms[1]);
        Assert.Equivalent(TinyExperiment.CreateFofaOptions(), fofa.Options, strict: true);
        Assert.Same(teacher, step.Teacher);
        Assert.Equal([step.Student, fofa.Components], step.StatefulModules);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Generated_graph_trains_two_steps_on_real_images_with_finite_loss(bool reverse)
    {
        torch.manual_seed(3);
        var graph = reverse
            ? TinyReverseExperiment.CreateFofaStep(new(TinyReverseExperiment.CreateTeacher(), TinyReverseExperiment.CreateStudent(), 16))
            : TinyExperiment.CreateFofaStep(new(TinyExperiment.CreateTeacher(), TinyExperiment.CreateStudent(), 16));
        var imageSize = reverse ? TinyReverseExperiment.Spec.ImageSize : TinyExperiment.Spec.ImageSize;
        var teacher = graph.Teacher!;
        var teacherBefore = teacher.parameters().Select(p => p.detach().clone()).ToList();
        var studentBefore = graph.Student.parameters().Select(p => p.detach().clone()).ToList();

        var loader = new BatchLoader(FashionMnist.LoadEmbedded(FashionMnistSplit.Train).Take(16), BatchLoaderOptions.Training(8, seed: 1));
        using var optimizer = optim.AdamW(graph.TrainableParameters(), 1e-3);
        graph.SetTraining(true);
        var losses = new List<float>();
        foreach (var (images, labels) in loader.Epoch(0))
        {
            optimizer.zero_grad();
            var output = graph.Compute(ImageBatches.Resize(images, imageSize), labels);
            output.Total.backward();
            optimizer.step();
            losses.Add(output.Total.item<float>());
            Assert.Contains(output.Terms, t => t.Name == "feature");
        }

        Assert.Equal(2, losses.Count);
        Assert.All(losses, l => Assert.True(float.IsFinite(l) && l > 0, $"loss {l}"));
        Assert.All(teacher.parameters().Zip(teacherBefore), pair => Assert.True(pair.First.equal(pair.Second).all().item<bool>()));
        Assert.Contains(graph.Student.parameters().Zip(studentBefore), pair => !pair.First.equal(pair.Second).all().item<bool>());
    }
}
