using FofaDsl.Backbones;
using FofaDsl.Fofa;
using FofaDsl.Stages;
using FofaDsl.Tests.TestModels;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Fofa;

[Collection(TorchCollection.Name)]
public sealed class FofaDistillerTests
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
        using var distiller = new FofaDistiller(teacher, student, Small, new FofaLossWeights());
        distiller.train();

        // Step 1 stores feedback (no fusion yet); step 2 uses it, so the fusion blocks join the graph.
        var (images1, labels1) = Batch(31);
        using (distiller.ComputeLosses(images1, labels1)) { }
        var (images2, labels2) = Batch(32);
        using var terms = distiller.ComputeLosses(images2, labels2);
        terms.Total.backward();

        foreach (var (name, p) in student.named_parameters())
            Assert.True(p.grad is not null, $"student parameter {name} has no gradient");
        foreach (var (name, p) in distiller.named_parameters())
            Assert.True(p.grad is not null, $"FOFA parameter {name} has no gradient");
        foreach (var (name, p) in teacher.named_parameters())
        {
            Assert.False(p.requires_grad, $"teacher parameter {name} is trainable");
            Assert.True(p.grad is null, $"teacher parameter {name} received a gradient");
        }
        for (var stage = 1; stage <= 4; stage++)
            Assert.True(distiller.PromptFor(stage)!.Beta.grad!.abs().item<float>() > 0, $"beta of stage {stage} got no signal");
        Assert.Contains(distiller.named_parameters(), np => np.name.Contains("fusion_block"));
        Assert.Contains(distiller.named_parameters(), np => np.name.Contains("region_attention"));
    }

    [Fact]
    public void OnTheFirstStepTheFusionBlocksGetNoGradientBecauseThereIsNoFeedback()
    {
        manual_seed(33);
        using var teacher = new TinySpatialBackbone();
        using var student = new TinyTokenBackbone();
        using var distiller = new FofaDistiller(teacher, student, Small, new FofaLossWeights());
        distiller.train();
        var (images, labels) = Batch(34);
        using var terms = distiller.ComputeLosses(images, labels);
        terms.Total.backward();
        var fusion = distiller.named_parameters().Where(np => np.name.Contains("fusion_block")).ToList();
        Assert.NotEmpty(fusion);
        Assert.All(fusion, np => Assert.Null(np.parameter.grad));
        Assert.All(distiller.named_parameters().Where(np => np.name.Contains(".prompt_block.")), np => Assert.NotNull(np.parameter.grad));
    }

    [Fact]
    public void PromptsFuseThePreviousStepsFeedbackNotTheCurrentOne()
    {
        manual_seed(35);
        using var teacher = new TinySpatialBackbone();
        using var student = new TinyTokenBackbone();
        using var distiller = new FofaDistiller(teacher, student, Small, new FofaLossWeights());
        distiller.train();
        var prompt = distiller.PromptFor(2)!;
        var used = new List<Tensor?>();
        // The observer runs inside the step's dispose scope: keep the copy alive beyond it.
        prompt.FeedbackObserver = f => used.Add(f?.clone().DetachFromDisposeScope());

        var (images1, labels1) = Batch(36);
        using (distiller.ComputeLosses(images1, labels1)) { }
        Assert.Single(used);
        Assert.Null(used[0]);
        using var delta1 = prompt.Feedback!.clone();

        // Step 1's delta is the aligned student stage 2 minus the teacher's stage 2 (prompted teacher
        // = plain teacher while beta is 0), recomputed here from the same inputs.
        using (no_grad())
        {
            var (_, studentStages) = student.ForwardWithStages(images1);
            var aligned = distiller.AlignStudent(studentStages);
            var (_, teacherStages) = teacher.ForwardWithStages(images1);
            Assert.True(delta1.allclose(aligned[1] - teacherStages[1], 1e-4, 1e-5));
        }

        var (images2, labels2) = Batch(37);
        using (distiller.ComputeLosses(images2, labels2)) { }
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
        using var distiller = new FofaDistiller(teacher, student, Small, new FofaLossWeights());
        distiller.eval();
        var (images, labels) = Batch(39);
        using (distiller.ComputeLosses(images, labels)) { }
        Assert.False(distiller.PromptFor(1)!.HasFeedback);

        distiller.train();
        using (distiller.ComputeLosses(images, labels)) { }
        Assert.True(distiller.PromptFor(1)!.HasFeedback);
        distiller.ResetFeedback();
        Assert.False(distiller.PromptFor(1)!.HasFeedback);
    }

    [Fact]
    public void AtInitialisationThePromptedTeacherEqualsThePlainTeacher()
    {
        manual_seed(40);
        using var teacher = new TinySpatialBackbone();
        using var student = new TinyTokenBackbone();
        using var distiller = new FofaDistiller(teacher, student, Small, new FofaLossWeights());
        distiller.train();
        var (images, labels) = Batch(41);
        using (distiller.ComputeLosses(images, labels)) { }
        using var terms = distiller.ComputeLosses(images, labels); // now with feedback fused

        Assert.Equal(0.0, terms.PromptRegularisation.item<float>(), 6);
        using (no_grad())
        {
            var (plainLogits, plainStages) = teacher.ForwardWithStages(images);
            var (promptedLogits, promptedStages) = distiller.ForwardPromptedTeacher(images);
            Assert.True(promptedLogits.equal(plainLogits).all().item<bool>());
            for (var i = 0; i < 4; i++) Assert.True(promptedStages[i].equal(plainStages[i]).all().item<bool>());

            distiller.PromptFor(1)!.Beta.fill_(0.5);
            var (moved, _) = distiller.ForwardPromptedTeacher(images);
            Assert.False(moved.allclose(plainLogits));
        }
    }

    [Fact]
    public void TeacherAndStudentAreReferencedNotOwnedAndTheTeacherStaysInEval()
    {
        manual_seed(42);
        using var teacher = new TinySpatialBackbone();
        using var student = new TinyTokenBackbone();
        teacher.train();
        using var distiller = new FofaDistiller(teacher, student, Small, new FofaLossWeights());
        Assert.False(teacher.training);

        distiller.train();
        Assert.False(teacher.training);
        Assert.True(student.training);
        Assert.DoesNotContain(distiller.named_parameters(), np => np.name.StartsWith("teacher") || np.name.StartsWith("student"));

        var teacherHandles = teacher.parameters().Select(p => p.Handle).ToHashSet();
        var trainable = distiller.TrainableParameters().ToList();
        Assert.Equal(student.parameters().Count() + distiller.parameters().Count(), trainable.Count);
        Assert.DoesNotContain(trainable, p => teacherHandles.Contains(p.Handle));
    }

    [Fact]
    public void TotalIsTheWeightedSumOfTheTerms()
    {
        manual_seed(43);
        using var teacher = new TinyTokenBackbone();
        using var student = new TinySpatialBackbone();
        var weights = new FofaLossWeights(CrossEntropy: 0.5, LogitKd: 2, Feature: 3, PromptRegularisation: 4, Temperature: 2);
        using var distiller = new FofaDistiller(teacher, student, Small, weights);
        distiller.train();
        var (images, labels) = Batch(44);
        using var terms = distiller.ComputeLosses(images, labels);
        var expected = 0.5 * terms.CrossEntropy.item<float>() + 2 * terms.LogitKd.item<float>()
            + 3 * terms.Feature.item<float>() + 4 * terms.PromptRegularisation.item<float>();
        Assert.Equal(expected, terms.Total.item<float>(), 4);
        Assert.Equal([4, 10], terms.StudentLogits.shape);
        Assert.True(terms.Feature.item<float>() > 0);
    }

    [Fact]
    public void WithoutRegionAwareAttentionEachStageIsAlignedDirectly()
    {
        manual_seed(45);
        using var teacher = new TinySpatialBackbone();
        using var student = new TinyTokenBackbone();
        using var distiller = new FofaDistiller(teacher, student, Small with { UseRegionAwareAttention = false }, new FofaLossWeights());
        distiller.train();
        Assert.Null(distiller.RegionAttention);
        Assert.All(distiller.Aligners, a => Assert.IsType<DirectStageAligner>(a));
        var (images, labels) = Batch(46);
        using var terms = distiller.ComputeLosses(images, labels);
        terms.Total.backward();
        Assert.All(distiller.named_parameters().Where(np => np.name.StartsWith("aligners")), np => Assert.NotNull(np.parameter.grad));
    }

    [Fact]
    public void WithoutPromptsTheTeacherIsPlainAndTheRegularisationIsZero()
    {
        manual_seed(47);
        using var teacher = new TinyTokenBackbone();
        using var student = new TinySpatialBackbone();
        using var distiller = new FofaDistiller(teacher, student, Small with { UsePrompts = false }, new FofaLossWeights());
        distiller.train();
        for (var stage = 1; stage <= 4; stage++) Assert.Null(distiller.PromptFor(stage));
        var (images, labels) = Batch(48);
        using var terms = distiller.ComputeLosses(images, labels);
        Assert.Equal(0f, terms.PromptRegularisation.item<float>());
        Assert.True(terms.Feature.item<float>() > 0);
        terms.Total.backward();
    }

    [Fact]
    public void PromptStagesAndFeedbackAblationSelectTheBlocks()
    {
        using var teacher = new TinySpatialBackbone();
        using var student = new TinyTokenBackbone();
        using var distiller = new FofaDistiller(teacher, student, Small with { PromptStages = [3, 1], UseFeedback = false }, new FofaLossWeights());
        distiller.train();
        Assert.NotNull(distiller.PromptFor(1));
        Assert.Null(distiller.PromptFor(2));
        Assert.NotNull(distiller.PromptFor(3));
        Assert.Null(distiller.PromptFor(4));
        Assert.False(distiller.PromptFor(1)!.UsesFeedback);
        var (images, labels) = Batch(49);
        using (distiller.ComputeLosses(images, labels)) { }
        Assert.False(distiller.PromptFor(3)!.HasFeedback);
    }

    [Fact]
    public void ReferenceQuirksRunEndToEndWithGateOnlyPrompts()
    {
        manual_seed(50);
        using var teacher = new TinyTokenBackbone();
        using var student = new TinyTokenBackbone();
        using var distiller = new FofaDistiller(teacher, student, Small with { ReferenceCodeQuirks = true }, new FofaLossWeights());
        distiller.train();
        var (images, labels) = Batch(51);
        using (distiller.ComputeLosses(images, labels)) { }
        using var terms = distiller.ComputeLosses(images, labels);
        terms.Total.backward();
        Assert.True(float.IsFinite(terms.Total.item<float>()));
        using var probe = randn(2, 24, 4, 4);
        using var prompt = distiller.PromptFor(1)!.Prompt.call(probe);
        Assert.Equal([2, 24, 1, 1], prompt.shape);
    }

    [Fact]
    public void RejectsInvalidOptionsAtConstruction()
    {
        using var teacher = new TinySpatialBackbone();
        using var student = new TinyTokenBackbone();
        Assert.Throws<ArgumentException>(() => new FofaDistiller(teacher, student, Small with { Queries = 20 }, new FofaLossWeights()));
    }
}
