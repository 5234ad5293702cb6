using FofaDsl.Backbones;
using FofaDsl.Baselines;
using FofaDsl.Fofa;
using FofaDsl.Training;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Baselines;

/// <summary>One backward pass through each baseline step: what trains gets gradients, the teacher none.</summary>
[Collection(TorchCollection.Name)]
public sealed class FitNetOfaStepGradientTests
{
    private const int Classes = 5;

    // Stage maps 16, 8, 4, 2 against a 4x4 token grid: FitNet meets patch embeddings of kernel 4, 2
    // and 1 and, at stage 4, a map smaller than the grid.
    private static ResNet TinyResNet() => new(new ResNetOptions
    {
        NumClasses = Classes, ImageSize = 16, Stem = ResNetStem.Cifar, BaseWidth = 4, BlocksPerStage = [1, 1, 1, 1],
    });

    private static VisionTransformer TinyVit() => new(new VisionTransformerOptions
    {
        NumClasses = Classes, ImageSize = 16, PatchSize = 4, EmbedDim = 16, Depth = 4, Heads = 2,
    });

    public static TheoryData<bool> StudentIsCnn => new() { true, false };

    [Theory]
    [MemberData(nameof(StudentIsCnn))]
    public void FitNetStepTrainsStudentAndRegressorsButNotTeacher(bool studentIsCnn)
    {
        manual_seed(21);
        using StagedBackbone student = studentIsCnn ? TinyResNet() : TinyVit();
        using StagedBackbone teacher = studentIsCnn ? TinyVit() : TinyResNet();
        var step = new FitNetStep(teacher, student, new FofaLossWeights());
        Run(step, teacher, regressorOrBranchParameters: step.Hints.parameters().ToArray());
        Assert.Equal(["ce", "fitnet"], step.Compute(randn(2, 3, 16, 16), tensor(new long[] { 0, 1 })).Terms.Select(t => t.Name));
    }

    [Theory]
    [MemberData(nameof(StudentIsCnn))]
    public void OfaStepTrainsStudentAndBranchesButNotTeacher(bool studentIsCnn)
    {
        manual_seed(22);
        using StagedBackbone student = studentIsCnn ? TinyResNet() : TinyVit();
        using StagedBackbone teacher = studentIsCnn ? TinyVit() : TinyResNet();
        var step = new OfaStep(teacher, student, new FofaLossWeights(), new OfaOptions(Eps: 1.5));
        Assert.Equal(4, step.Branches.Count);
        Run(step, teacher, regressorOrBranchParameters: step.Branches.SelectMany(b => b.parameters()).ToArray());
    }

    private static void Run(ITrainingStep step, StagedBackbone teacher, TorchSharp.Modules.Parameter[] regressorOrBranchParameters)
    {
        step.SetTraining(true);
        using var images = randn(2, 3, 16, 16);
        using var labels = tensor(new long[] { 1, 3 });
        var output = step.Compute(images, labels);
        Assert.True(double.IsFinite(output.Total.item<float>()));
        output.Total.backward();

        var trainable = step.TrainableParameters().ToArray();
        Assert.Equal(step.Student.parameters().Count() + regressorOrBranchParameters.Length, trainable.Length);
        Assert.NotEmpty(regressorOrBranchParameters);
        Assert.All(step.Student.parameters(), p => Assert.NotNull(p.grad));
        Assert.All(regressorOrBranchParameters, p => Assert.NotNull(p.grad));
        Assert.Contains(regressorOrBranchParameters, p => p.grad!.abs().sum().item<float>() > 0);
        Assert.All(teacher.parameters(), p =>
        {
            Assert.False(p.requires_grad);
            Assert.Null(p.grad);
        });
        Assert.False(teacher.training);
    }
}
