using FofaDsl.Backbones;
using FofaDsl.Methods.Fofa;
using FofaDsl.Methods.Kd;
using FofaDsl.Methods;
using FofaDsl.Stages;
using FofaDsl.Tests.TestModels;
using FofaDsl.Training;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.Fofa;

/// <summary>A FOFA run as the generator builds it: <c>DistillationStep(ce, KdTerm, FofaTerm)</c>.</summary>
internal sealed class FofaRun
{
    public FofaRun(StagedBackbone teacher, StagedBackbone student, FofaOptions options, FofaLossWeights weights)
    {
        Term = new FofaTerm(teacher, student, options, weights);
        Teacher = teacher;
        Step = new DistillationStep("FOFA", teacher, student, weights,
            [new KdTerm(new KdOptions { Weight = weights.LogitKd, Temperature = weights.Temperature }), Term]);
    }

    public StagedBackbone Teacher { get; }
    public FofaTerm Term { get; }
    public DistillationStep Step { get; }
    public FofaModules Fofa => Term.Components;

    public void train(bool training = true) => Step.SetTraining(training);
    public void eval() => Step.SetTraining(false);
    public StepOutput ComputeLosses(Tensor images, Tensor labels) => Step.Compute(images, labels);

    /// <summary>A reported term's value, or null when the step does not report it.</summary>
    public static float? Term_(StepOutput output, string name) => output.Terms.Where(t => t.Name == name).Select(t => (float?)t.Value.item<float>()).FirstOrDefault();
}

[Collection(TorchCollection.Name)]
public sealed class FofaTermTests
{
    private static readonly FofaOptions Small = new(Queries: 16, TokenWidth: 16, Heads: 2);

    private static StagedBackbone Make(bool spatial) => spatial ? new TinySpatialBackbone() : new TinyTokenBackbone();

    private static (Tensor Images, Tensor Labels) Batch(int seed)
    {
        manual_seed(seed);
        return (randn(4, 3, 16, 16), randint(0, 10, [4], dtype: int64));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void AfterOneBackwardEveryTrainableParameterHasGradientAndTheTeacherNone(bool spatialTeacher, bool spatialStudent)
    {
        manual_seed(30);
        using var teacher = Make(spatialTeacher);
        using var student = Make(spatialStudent);
        var distiller = new FofaRun(teacher, student, Small, new FofaLossWeights());
        distiller.train();

        // Step 1 stores feedback (no fusion yet); step 2 uses it, so the fusion blocks join the graph.
        var (images1, labels1) = Batch(31);
        distiller.ComputeLosses(images1, labels1);
        var (images2, labels2) = Batch(32);
        var terms = distiller.ComputeLosses(images2, labels2);
        terms.Total.backward();

        foreach (var (name, p) in student.named_parameters())
            Assert.True(p.grad is not null, $"student parameter {name} has no gradient");
        foreach (var (name, p) in distiller.Fofa.named_parameters())
            Assert.True(p.grad is not null, $"FOFA parameter {name} has no gradient");
        foreach (var (name, p) in teacher.named_parameters())
        {
            Assert.False(p.requires_grad, $"teacher parameter {name} is trainable");
            Assert.True(p.grad is null, $"teacher parameter {name} received a gradient");
        }
        for (var stage = 1; stage <= 4; stage++)
            Assert.True(distiller.Fofa.PromptFor(stage)!.Beta.grad!.abs().item<float>() > 0, $"beta of stage {stage} got no signal");
        Assert.Contains(distiller.Fofa.named_parameters(), np => np.name.Contains("fusion_block"));
        Assert.Contains(distiller.Fofa.named_parameters(), np => np.name.Contains("region_attention"));
    }

    [Fact]
    public void OnTheFirstStepTheFusionBlocksGetNoGradientBecauseThereIsNoFeedback()
    {
        manual_seed(33);
        using var teacher = new TinySpatialBackbone();
        using var student = new TinyTokenBackbone();
        var distiller = new FofaRun(teacher, student, Small, new FofaLossWeights());
        distiller.train();
        var (images, labels) = Batch(34);
        var terms = distiller.ComputeLosses(images, labels);
        terms.Total.backward();
        var fusion = distiller.Fofa.named_parameters().Where(np => np.name.Contains("fusion_block")).ToList();
        Assert.NotEmpty(fusion);
        Assert.All(fusion, np => Assert.Null(np.parameter.grad));
        Assert.All(distiller.Fofa.named_parameters().Where(np => np.name.Contains(".prompt_block.")), np => Assert.NotNull(np.parameter.grad));
    }

    [Fact]
    public void PromptsFuseThePreviousStepsFeedbackNotTheCurrentOne()
    {
        manual_seed(35);
        using var teacher = new TinySpatialBackbone();
        using var student = new TinyTokenBackbone();
        var distiller = new FofaRun(teacher, student, Small, new FofaLossWeights());
        distiller.train();
        var prompt = distiller.Fofa.PromptFor(2)!;
        var used = new List<Tensor?>();
        // The observer runs inside the step's dispose scope: keep the copy alive beyond it.
        prompt.FeedbackObserver = f => used.Add(f?.clone().DetachFromDisposeScope());

        var (images1, labels1) = Batch(36);
        distiller.ComputeLosses(images1, labels1);
        Assert.Single(used);
        Assert.Null(used[0]);
        using var delta1 = prompt.Feedback!.clone();

        // Step 1's delta is the aligned student stage 2 minus the teacher's stage 2 (prompted teacher
        // = plain teacher while beta is 0), recomputed here from the same inputs.
        using (no_grad())
        {
            var (_, studentStages) = student.ForwardWithStages(images1);
            var aligned = distiller.Fofa.AlignStudent(studentStages);
            var (_, teacherStages) = teacher.ForwardWithStages(images1);
            Assert.True(delta1.allclose(aligned[1] - teacherStages[1], 1e-4, 1e-5));
        }

        var (images2, labels2) = Batch(37);
        distiller.ComputeLosses(images2, labels2);
        Assert.Equal(2, used.Count);
        Assert.NotNull(used[1]);
        Assert.True(used[1]!.equal(delta1).all().item<bool>());
        using var delta2 = prompt.Feedback!.clone();
        Assert.False(delta2.allclose(delta1));
    }

    [Fact]
    public void FeedbackIsNotUpdatedInEvalModeAndCanBeReset()
    {
        manual_seed(38);
        using var teacher = new TinyTokenBackbone();
        using var student = new TinySpatialBackbone();
        var distiller = new FofaRun(teacher, student, Small, new FofaLossWeights());
        distiller.eval();
        var (images, labels) = Batch(39);
        distiller.ComputeLosses(images, labels);
        Assert.False(distiller.Fofa.PromptFor(1)!.HasFeedback);

        distiller.train();
        distiller.ComputeLosses(images, labels);
        Assert.True(distiller.Fofa.PromptFor(1)!.HasFeedback);
        distiller.Fofa.ResetFeedback();
        Assert.False(distiller.Fofa.PromptFor(1)!.HasFeedback);
    }

    [Fact]
    public void AtInitialisationThePromptedTeacherEqualsThePlainTeacher()
    {
        manual_seed(40);
        using var teacher = new TinySpatialBackbone();
        using var student = new TinyTokenBackbone();
        var distiller = new FofaRun(teacher, student, Small, new FofaLossWeights());
        distiller.train();
        var (images, labels) = Batch(41);
        distiller.ComputeLosses(images, labels);
        var terms = distiller.ComputeLosses(images, labels); // now with feedback fused

        Assert.Equal(0.0, FofaRun.Term_(terms, "prompt-reg")!.Value, 6);
        using (no_grad())
        {
            var (plainLogits, plainStages) = teacher.ForwardWithStages(images);
            var (promptedLogits, promptedStages) = distiller.Fofa.ForwardPromptedTeacher(teacher, images);
            Assert.True(promptedLogits.equal(plainLogits).all().item<bool>());
            for (var i = 0; i < 4; i++) Assert.True(promptedStages[i].equal(plainStages[i]).all().item<bool>());

            distiller.Fofa.PromptFor(1)!.Beta.fill_(0.5);
            var (moved, _) = distiller.Fofa.ForwardPromptedTeacher(teacher, images);
            Assert.False(moved.allclose(plainLogits));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Recomputing_the_prompted_teachers_stages_gives_the_same_losses_and_gradients(bool spatialTeacher)
    {
        // Two identical runs, one keeping the prompted teacher's activations and one recomputing them in the backward
        // pass; beta is set non-zero so that every prompt's gradient flows back through the teacher stages after it.
        (Dictionary<string, Tensor> Gradients, float Total, int TeacherCalls) Train(bool recompute)
        {
            manual_seed(50);
            var teacher = Make(spatialTeacher);
            var student = Make(!spatialTeacher);
            var distiller = new FofaRun(teacher, student, Small with { RecomputeTeacher = recompute }, new FofaLossWeights());
            distiller.train();
            using (no_grad())
            {
                for (var stage = 1; stage <= 4; stage++) distiller.Fofa.PromptFor(stage)!.Beta.fill_(0.25 * stage);
            }
            var calls = 0;
            foreach (var module in teacher.modules().OfType<TorchSharp.torch.nn.Module<Tensor, Tensor>>().Where(m => !m.children().Any()))
                module.register_forward_hook((_, _, _) => { calls++; return null!; });
            var (images1, labels1) = Batch(51);
            distiller.ComputeLosses(images1, labels1).Total.backward();
            var (images2, labels2) = Batch(52);
            var terms = distiller.ComputeLosses(images2, labels2);
            terms.Total.backward();
            var gradients = student.named_parameters().Concat(distiller.Fofa.named_parameters())
                .Where(p => p.parameter.grad is not null).ToDictionary(p => p.name, p => p.parameter.grad!.clone());
            return (gradients, terms.Total.item<float>(), calls);
        }

        var kept = Train(recompute: false);
        var recomputed = Train(recompute: true);

        Assert.Equal(kept.Total, recomputed.Total);
        Assert.Equal(kept.Gradients.Keys.Order(), recomputed.Gradients.Keys.Order());
        Assert.Contains(kept.Gradients.Keys, name => name.Contains("prompt_block"));
        foreach (var (name, gradient) in kept.Gradients)
            Assert.True(gradient.allclose(recomputed.Gradients[name], rtol: 1e-5, atol: 1e-7), $"{name}: the gradient differs when recomputed");
        // The second run really recomputed: its teacher layers ran more often.
        Assert.True(recomputed.TeacherCalls > kept.TeacherCalls, $"{recomputed.TeacherCalls} teacher layer calls recomputing, {kept.TeacherCalls} keeping");
    }

    [Fact]
    public void TeacherAndStudentAreReferencedNotOwnedAndTheTeacherStaysInEval()
    {
        manual_seed(42);
        using var teacher = new TinySpatialBackbone();
        using var student = new TinyTokenBackbone();
        teacher.train();
        var distiller = new FofaRun(teacher, student, Small, new FofaLossWeights());
        Assert.False(teacher.training);

        distiller.train();
        Assert.False(teacher.training);
        Assert.True(student.training);
        Assert.DoesNotContain(distiller.Fofa.named_parameters(), np => np.name.StartsWith("teacher") || np.name.StartsWith("student"));

        var teacherHandles = teacher.parameters().Select(p => p.Handle).ToHashSet();
        var trainable = distiller.Step.TrainableParameters().ToList();
        Assert.Equal(student.parameters().Count() + distiller.Fofa.parameters().Count(), trainable.Count);
        Assert.DoesNotContain(trainable, p => teacherHandles.Contains(p.Handle));
    }

    [Fact]
    public void EachTermIsWeightedByItsOwnWeightAndTheTotalIsTheirSum()
    {
        // The same modules (same seed) with unit weights and with other weights, on one batch in eval mode (no feedback update).
        StepOutput Losses(FofaLossWeights weights)
        {
            manual_seed(43);
            var teacher = new TinyTokenBackbone();
            var student = new TinySpatialBackbone();
            var run = new FofaRun(teacher, student, Small, weights);
            run.eval();
            var (images, labels) = Batch(44);
            return run.ComputeLosses(images, labels);
        }
        var unit = Losses(new FofaLossWeights(Temperature: 2));
        var weighted = Losses(new FofaLossWeights(CrossEntropy: 0.5, LogitKd: 2, Feature: 3, PromptRegularisation: 4, Temperature: 2));

        Assert.Equal(["ce", "kd", "feature", "prompt-reg"], weighted.Terms.Select(t => t.Name));
        foreach (var (name, weight) in new[] { ("ce", 0.5), ("kd", 2.0), ("feature", 3.0), ("prompt-reg", 4.0) })
            Assert.Equal(weight * FofaRun.Term_(unit, name)!.Value, FofaRun.Term_(weighted, name)!.Value, 4);
        Assert.Equal(weighted.Terms.Sum(t => t.Value.item<float>()), weighted.Total.item<float>(), 4);
        Assert.Equal([4, 10], weighted.StudentLogits.shape);
        Assert.True(FofaRun.Term_(unit, "feature") > 0);
    }

    [Fact]
    public void WithoutRegionAwareAttentionEachStageIsAlignedDirectly()
    {
        manual_seed(45);
        using var teacher = new TinySpatialBackbone();
        using var student = new TinyTokenBackbone();
        var distiller = new FofaRun(teacher, student, Small with { UseRegionAwareAttention = false }, new FofaLossWeights());
        distiller.train();
        Assert.Null(distiller.Fofa.RegionAttention);
        Assert.All(distiller.Fofa.Aligners, a => Assert.IsType<DirectStageAligner>(a));
        var (images, labels) = Batch(46);
        var terms = distiller.ComputeLosses(images, labels);
        terms.Total.backward();
        Assert.All(distiller.Fofa.named_parameters().Where(np => np.name.StartsWith("aligners")), np => Assert.NotNull(np.parameter.grad));
    }

    [Fact]
    public void WithoutPromptsTheTeacherIsPlainAndNoRegularisationIsReported()
    {
        manual_seed(47);
        using var teacher = new TinyTokenBackbone();
        using var student = new TinySpatialBackbone();
        var distiller = new FofaRun(teacher, student, Small with { UsePrompts = false }, new FofaLossWeights());
        distiller.train();
        for (var stage = 1; stage <= 4; stage++) Assert.Null(distiller.Fofa.PromptFor(stage));
        var (images, labels) = Batch(48);
        var terms = distiller.ComputeLosses(images, labels);
        Assert.Null(FofaRun.Term_(terms, "prompt-reg"));
        Assert.True(FofaRun.Term_(terms, "feature") > 0);
        terms.Total.backward();
    }

    [Fact]
    public void PromptStagesAndFeedbackAblationSelectTheBlocks()
    {
        using var teacher = new TinySpatialBackbone();
        using var student = new TinyTokenBackbone();
        var distiller = new FofaRun(teacher, student, Small with { PromptStages = [3, 1], UseFeedback = false }, new FofaLossWeights());
        distiller.train();
        Assert.NotNull(distiller.Fofa.PromptFor(1));
        Assert.Null(distiller.Fofa.PromptFor(2));
        Assert.NotNull(distiller.Fofa.PromptFor(3));
        Assert.Null(distiller.Fofa.PromptFor(4));
        Assert.False(distiller.Fofa.PromptFor(1)!.UsesFeedback);
        var (images, labels) = Batch(49);
        distiller.ComputeLosses(images, labels);
        Assert.False(distiller.Fofa.PromptFor(3)!.HasFeedback);
    }

    [Fact]
    public void ReferenceQuirksRunEndToEndWithGateOnlyPrompts()
    {
        manual_seed(50);
        using var teacher = new TinyTokenBackbone();
        using var student = new TinyTokenBackbone();
        var distiller = new FofaRun(teacher, student, Small with { ReferenceCodeQuirks = true }, new FofaLossWeights());
        distiller.train();
        var (images, labels) = Batch(51);
        distiller.ComputeLosses(images, labels);
        var terms = distiller.ComputeLosses(images, labels);
        terms.Total.backward();
        Assert.True(float.IsFinite(terms.Total.item<float>()));
        using var probe = randn(2, 24, 4, 4);
        using var prompt = distiller.Fofa.PromptFor(1)!.Prompt.call(probe);
        Assert.Equal([2, 24, 1, 1], prompt.shape);
    }

    [Fact]
    public void RejectsInvalidOptionsAtConstruction()
    {
        using var teacher = new TinySpatialBackbone();
        using var student = new TinyTokenBackbone();
        Assert.Throws<ArgumentException>(() => new FofaTerm(teacher, student, Small with { Queries = 20 }, new FofaLossWeights()));
    }

    [Fact]
    public void A_run_of_its_own_feature_weight_and_warm_up_scales_the_feature_loss_epoch_by_epoch()
    {
        var (images, labels) = Batch(41);
        float Feature(FofaOptions options, int? epoch)
        {
            manual_seed(40);
            using var teacher = Make(true);
            using var student = Make(false);
            var run = new FofaRun(teacher, student, options, new FofaLossWeights(Feature: 2));
            run.train();
            if (epoch is { } e) run.Step.BeginEpoch(e);
            return FofaRun.Term_(run.ComputeLosses(images, labels), "feature")!.Value;
        }

        var declared = Feature(Small with { UsePrompts = false }, null);
        // The same models and batch: only the factor on the unweighted loss changes (declared weight 2).
        Assert.Equal(declared / 2 * 0.5f, Feature(Small with { UsePrompts = false, FeatureWeight = 0.5 }, null), declared * 1e-6f);
        var warm = Small with { UsePrompts = false, FeatureWarmupEpochs = 4 };
        Assert.Equal(declared * 1 / 4f, Feature(warm, 1), declared * 1e-6f);
        Assert.Equal(declared * 3 / 4f, Feature(warm, 3), declared * 1e-6f);
        Assert.Equal(declared, Feature(warm, 4), declared * 1e-6f);
        Assert.Equal(declared, Feature(warm, 9), declared * 1e-6f);
    }

    [Theory]
    [InlineData(-0.5, 0, "FeatureWeight")]
    [InlineData(double.PositiveInfinity, 0, "FeatureWeight")]
    [InlineData(1.0, -1, "FeatureWarmupEpochs")]
    public void Impossible_feature_weights_and_warm_ups_are_refused_by_name(double weight, int warmup, string name)
    {
        var problem = Assert.Throws<ArgumentException>(() => (Small with { FeatureWeight = weight, FeatureWarmupEpochs = warmup }).Validate());
        Assert.Equal(name, problem.ParamName);
    }
}
