using FofaDsl.Backbones;
using FofaDsl.Baselines;
using FofaDsl.Distillation;
using FofaDsl.Fofa;
using FofaDsl.Tests.Losses;
using FofaDsl.Training;
using TorchSharp;
using static TorchSharp.torch;
using static FofaDsl.Tests.Distillation.DistillationModels;

namespace FofaDsl.Tests.Distillation;

/// <summary>Composing terms: the total, the reported terms, what trains, and equivalence with the older steps.</summary>
[Collection(TorchCollection.Name)]
public sealed class DistillationStepTests
{
    private static readonly long[] LabelValues = [0, 2, 4];

    private static double[][] Rows(Tensor logits) =>
        Enumerable.Range(0, (int)logits.shape[0]).Select(b => logits[b].to_type(ScalarType.Float64).data<double>().ToArray()).ToArray();

    [Fact]
    public void Kd_plus_FitNet_totals_ce_plus_kd_plus_fitnet_and_reports_exactly_those()
    {
        manual_seed(51);
        using var student = TinyResNet();
        using var teacher = TinyVit();
        var fitnet = new FitNetTerm(teacher, student, new FitNetOptions(Weight: 0.2));
        var step = new DistillationStep("KD + FitNet", teacher, student, new FofaLossWeights(CrossEntropy: 0.5, LabelSmoothing: 0),
            [new KdTerm(new KdOptions { Weight = 0.3, Temperature = 2 }), fitnet]);
        step.SetTraining(true);
        using var images = randn(3, 3, 16, 16);
        using var labels = tensor(LabelValues);

        var output = step.Compute(images, labels);

        Assert.Equal(["ce", "kd", "fitnet"], output.Terms.Select(t => t.Name));
        using var noGrad = no_grad();
        var (logits, studentStages) = student.ForwardWithStages(images);
        var (teacherLogits, teacherStages) = teacher.ForwardWithStages(images);
        var studentRows = Rows(logits);
        var ce = 0.5 * studentRows.Select((z, b) => -Math.Log(LossTestMath.Softmax(z, 1)[LabelValues[b]])).Average();
        var kd = 0.3 * LossTestMath.Kd(studentRows, Rows(teacherLogits), 2);
        var hint = 0.2 * Enumerable.Range(1, 4)
            .Sum(s => (fitnet.Hints.Regressor(s).call(studentStages[s - 1]) - teacherStages[s - 1][.., 1..]).pow(2).mean().item<float>());
        var values = output.Terms.Select(t => (double)t.Value.item<float>()).ToArray();
        Assert.Equal(ce, values[0], 4);
        Assert.Equal(kd, values[1], 4);
        Assert.Equal(hint, values[2], 4);
        Assert.Equal(ce + kd + hint, output.Total.item<float>(), 4);
        Assert.True(output.StudentLogits.allclose(logits, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Gradients_reach_the_student_and_every_term_module_but_never_the_teacher()
    {
        manual_seed(52);
        using var student = TinyVit();
        using var teacher = TinyResNet();
        var fitnet = new FitNetTerm(teacher, student, new FitNetOptions());
        var cc = new CcTerm(teacher, student, new CcOptions { EmbedDim = 8 });
        var crd = new CrdTerm(teacher, student, 12, new CrdOptions { EmbedDim = 8 });
        var step = new DistillationStep("KD + FitNet + CC + CRD", teacher, student, new FofaLossWeights(),
            [new KdTerm(new KdOptions()), fitnet, cc, crd, new RkdTerm(new RkdOptions())]);
        step.SetTraining(true);
        using var images = randn(4, 3, 16, 16);

        var output = step.Compute(images, tensor(new long[] { 1, 3, 0, 2 }), tensor(new long[] { 11, 0, 5, 6 }));
        output.Total.backward();

        Assert.Equal(["ce", "kd", "fitnet", "cc", "crd", "rkd-distance", "rkd-angle"], output.Terms.Select(t => t.Name));
        var moduleParameters = new nn.Module[] { fitnet.Hints, cc.Correlation, crd.Contrast }.SelectMany(m => m.parameters()).ToArray();
        Assert.Equal(student.parameters().Count() + moduleParameters.Length, step.TrainableParameters().Count());
        Assert.Equal(new nn.Module[] { student, fitnet.Hints, cc.Correlation, crd.Contrast }, step.StatefulModules);
        Assert.All(student.parameters(), p => Assert.NotNull(p.grad));
        Assert.All(moduleParameters, p => Assert.NotNull(p.grad));
        // The teacher-side embedding heads of CC and CRD train, though the teacher does not.
        Assert.True(cc.Correlation.TeacherEmbedding.weight!.grad!.abs().sum().item<float>() > 0);
        Assert.True(crd.Contrast.TeacherEmbedding.weight!.grad!.abs().sum().item<float>() > 0);
        Assert.All(teacher.parameters(), p =>
        {
            Assert.False(p.requires_grad);
            Assert.Null(p.grad);
        });
        Assert.False(teacher.training);
    }

    [Fact]
    public void A_teacher_term_without_a_teacher_is_refused_naming_the_method()
    {
        using var student = TinyResNet();
        var error = Assert.Throws<ArgumentException>(() =>
            new DistillationStep("KD + FitNet", null, student, new FofaLossWeights(), [new KdTerm(new KdOptions())]));
        Assert.Equal("teacher", error.ParamName);
        Assert.Contains("KD + FitNet", error.Message);
        Assert.Contains("kd", error.Message);
    }

    [Fact]
    public void Repeated_term_names_are_refused()
    {
        using var student = TinyResNet();
        using var teacher = TinyVit();
        var error = Assert.Throws<ArgumentException>(() => new DistillationStep("KD twice", teacher, student, new FofaLossWeights(),
            [new KdTerm(new KdOptions()), new KdTerm(new KdOptions { Temperature = 4 })]));
        Assert.Contains("'kd'", error.Message);
    }

    [Fact]
    public void Without_teacher_and_terms_it_is_supervised_training()
    {
        manual_seed(53);
        using var student = TinyResNet();
        var step = new DistillationStep("Scratch", null, student, new FofaLossWeights(LabelSmoothing: 0.1), []);
        step.SetTraining(true);
        using var images = randn(3, 3, 16, 16);
        using var labels = tensor(LabelValues);

        var output = step.Compute(images, labels);
        var supervised = new SupervisedStep(student, 0.1).Compute(images, labels);

        Assert.Equal(["ce"], output.Terms.Select(t => t.Name));
        Assert.Equal(supervised.Total.item<float>(), output.Total.item<float>(), 6);
    }

    [Fact]
    public void A_step_with_Crd_needs_the_sample_indices()
    {
        using var student = TinyResNet();
        using var teacher = TinyVit();
        var step = new DistillationStep("CRD", teacher, student, new FofaLossWeights(), [new CrdTerm(teacher, student, 8, new CrdOptions { EmbedDim = 4 })]);
        Assert.True(step.NeedsSampleIndices);
        var error = Assert.Throws<InvalidOperationException>(() => step.Compute(randn(2, 3, 16, 16), tensor(new long[] { 0, 1 })));
        Assert.Contains("CRD", error.Message);
        ITrainingStep asStep = step;
        Assert.True(float.IsFinite(asStep.Compute(randn(2, 3, 16, 16), tensor(new long[] { 0, 1 }), tensor(new long[] { 3, 7 })).Total.item<float>()));
    }

    [Fact]
    public void Soft_targets_give_the_terms_their_most_likely_class()
    {
        manual_seed(54);
        using var student = TinyResNet();
        using var teacher = TinyVit();
        var weights = new FofaLossWeights(LabelSmoothing: 0);
        var step = new DistillationStep("DKD", teacher, student, weights, [new DkdTerm(new DkdOptions())]);
        step.SetTraining(true);
        using var images = randn(2, 3, 16, 16);
        using var soft = tensor(new float[] { 0.1f, 0.7f, 0.1f, 0.05f, 0.05f, 0.6f, 0.1f, 0.1f, 0.1f, 0.1f }, [2, 5]);

        var fromSoft = step.Compute(images, soft).Terms[1].Value.item<float>();
        var fromHard = step.Compute(images, tensor(new long[] { 1, 0 })).Terms[1].Value.item<float>();

        Assert.Equal(fromHard, fromSoft, 6);
    }

    public static TheoryData<string> LegacyMethods => new() { "kd", "dkd", "dist", "fitnet", "ofa" };

    [Theory]
    [MemberData(nameof(LegacyMethods))]
    public void Matches_the_older_single_method_step(string method)
    {
        using var student = TinyVit();
        using var teacher = TinyResNet();
        var weights = new FofaLossWeights(CrossEntropy: 0.8, LogitKd: 0.6, Temperature: 2);
        ITrainingStep Legacy() => method switch
        {
            "kd" => LogitBaselineStep.Kd(teacher, student, weights),
            "dkd" => LogitBaselineStep.Dkd(teacher, student, weights),
            "dist" => LogitBaselineStep.Dist(teacher, student, weights),
            "fitnet" => new FitNetStep(teacher, student, weights),
            _ => new OfaStep(teacher, student, weights),
        };
        IDistillationTerm Term() => method switch
        {
            "kd" => new KdTerm(new KdOptions { Weight = weights.LogitKd, Temperature = weights.Temperature }),
            "dkd" => new DkdTerm(new DkdOptions { Temperature = weights.Temperature }),
            "dist" => new DistTerm(new DistOptions { Temperature = weights.Temperature }),
            "fitnet" => new FitNetTerm(teacher, student, new FitNetOptions()),
            _ => new OfaTerm(teacher, student, new OfaOptions()),
        };
        // The same seed before each gives regressors and branches the same initial weights.
        manual_seed(55);
        var legacy = Legacy();
        manual_seed(55);
        var composed = new DistillationStep(method, teacher, student, weights, [Term()]);
        legacy.SetTraining(true);
        composed.SetTraining(true);
        using var images = randn(3, 3, 16, 16);
        using var labels = tensor(LabelValues);

        var expected = legacy.Compute(images, labels);
        var actual = composed.Compute(images, labels);

        Assert.Equal(expected.Terms.Select(t => t.Name), actual.Terms.Select(t => t.Name));
        Assert.Equal(expected.Terms.Select(t => t.Value.item<float>()), actual.Terms.Select(t => t.Value.item<float>()), new FloatClose());
        Assert.Equal(expected.Total.item<float>(), actual.Total.item<float>(), 5);
        Assert.Equal(legacy.StatefulModules.Count, composed.StatefulModules.Count);
    }

    private sealed class FloatClose : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= 1e-5 * Math.Max(1, Math.Abs(a));

        public int GetHashCode(float value) => 0;
    }
}
