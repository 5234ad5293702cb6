using FofaDsl.Backbones;
using FofaDsl.Methods.FitNet;
using FofaDsl.Methods.Ofa;
using FofaDsl.Methods;
using TorchSharp;
using static TorchSharp.torch;
using static FofaDsl.Tests.Methods.DistillationModels;

namespace FofaDsl.Tests.Methods;

/// <summary>One backward pass through a FitNet or OFA step, either way round: what trains gets gradients, the teacher none.</summary>
[Collection(TorchCollection.Name)]
public sealed class FitNetOfaTermGradientTests
{
    // Stage maps 16, 8, 4, 2 against a 4x4 token grid: FitNet meets patch embeddings of kernel 4, 2
    // and 1 and, at stage 4, a map smaller than the grid.
    public static TheoryData<bool> StudentIsCnn => new() { true, false };

    [Theory]
    [MemberData(nameof(StudentIsCnn))]
    public void FitNetTermTrainsStudentAndRegressorsButNotTeacher(bool studentIsCnn)
    {
        manual_seed(21);
        using StagedBackbone student = studentIsCnn ? TinyResNet() : TinyVit();
        using StagedBackbone teacher = studentIsCnn ? TinyVit() : TinyResNet();
        var fitnet = new FitNetTerm(teacher, student, new FitNetOptions());
        var step = new DistillationStep("FitNet", teacher, student, new FofaLossWeights(), [fitnet]);

        Assert.Equal(new nn.Module[] { student, fitnet.Hints }, step.StatefulModules);
        var terms = Run(step, teacher, regressorOrBranchParameters: fitnet.Hints.parameters().ToArray());
        Assert.Equal(["ce", "fitnet"], terms);
    }

    [Theory]
    [MemberData(nameof(StudentIsCnn))]
    public void OfaTermTrainsStudentAndBranchesButNotTeacher(bool studentIsCnn)
    {
        manual_seed(22);
        using StagedBackbone student = studentIsCnn ? TinyResNet() : TinyVit();
        using StagedBackbone teacher = studentIsCnn ? TinyVit() : TinyResNet();
        var ofa = new OfaTerm(teacher, student, new OfaOptions(Eps: 1.5));
        var step = new DistillationStep("OFA", teacher, student, new FofaLossWeights(), [ofa]);

        Assert.Equal(4, ofa.Branches.Count);
        nn.Module[] trained = [student, .. ofa.Branches];
        Assert.Equal(trained, step.StatefulModules);
        var terms = Run(step, teacher, regressorOrBranchParameters: ofa.Branches.SelectMany(b => b.parameters()).ToArray());
        Assert.Equal(["ce", "ofa_stages", "ofa_logits"], terms);
    }

    // Returns the names of the reported terms.
    private static string[] Run(DistillationStep step, StagedBackbone teacher, TorchSharp.Modules.Parameter[] regressorOrBranchParameters)
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
        return output.Terms.Select(t => t.Name).ToArray();
    }
}
