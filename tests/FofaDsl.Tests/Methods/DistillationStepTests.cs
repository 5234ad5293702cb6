using FofaDsl.Backbones;
using FofaDsl.Methods.Cc;
using FofaDsl.Methods.Crd;
using FofaDsl.Methods.Dist;
using FofaDsl.Methods.Dkd;
using FofaDsl.Methods.FitNet;
using FofaDsl.Methods.Kd;
using FofaDsl.Methods.Ofa;
using FofaDsl.Methods.Rkd;
using FofaDsl.Methods;
using FofaDsl.Tests.Methods;
using FofaDsl.Training;
using TorchSharp;
using static TorchSharp.torch;
using static FofaDsl.Tests.Methods.DistillationModels;

namespace FofaDsl.Tests.Methods;

/// <summary>Composing terms: the total, the reported terms, what trains, and each single-term step against its loss computed by hand.</summary>
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

        // Cross-entropy with label smoothing 0.1 by hand: 0.9 * -log p(y) + 0.1 * mean over classes of -log p(c).
        var logits = output.StudentLogits.to(ScalarType.Float64);
        double expected = 0;
        for (var b = 0; b < LabelValues.Length; b++)
        {
            var row = logits[b].data<double>().ToArray();
            var logSum = Math.Log(row.Sum(Math.Exp));
            expected += 0.9 * (logSum - row[LabelValues[b]]) + 0.1 * row.Average(z => logSum - z);
        }
        expected /= LabelValues.Length;

        Assert.Equal(["ce"], output.Terms.Select(t => t.Name));
        Assert.Equal(expected, output.Total.item<float>(), 5);
        Assert.Equal("Scratch", DistillationStep.Supervised(student, 0.1).MethodName);
        Assert.Empty(DistillationStep.Supervised(student, 0.1).Terms);
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

    [Fact]
    public void The_step_tells_every_term_the_epoch_that_starts()
    {
        using var student = TinyResNet();
        var first = new EpochRecordingTerm("first");
        var second = new EpochRecordingTerm("second");
        ITrainingStep step = new DistillationStep("Recording", null, student, new FofaLossWeights(), [first, second]);

        step.BeginEpoch(1);
        step.BeginEpoch(3);

        Assert.Equal([1, 3], first.Epochs);
        Assert.Equal([1, 3], second.Epochs);
        Assert.Throws<ArgumentOutOfRangeException>(() => step.BeginEpoch(0));
    }

    [Fact]
    public void A_warming_up_Dkd_reports_and_trains_the_scaled_term()
    {
        manual_seed(56);
        using var student = TinyResNet();
        using var teacher = TinyVit();
        var weights = new FofaLossWeights(LabelSmoothing: 0);
        var plain = new DistillationStep("DKD", teacher, student, weights, [new DkdTerm(new DkdOptions())]);
        var ramped = new DistillationStep("DKD", teacher, student, weights, [new DkdTerm(new DkdOptions { WarmupEpochs = 4 })]);
        plain.SetTraining(false);
        using var images = randn(3, 3, 16, 16);
        using var labels = tensor(LabelValues);

        ramped.BeginEpoch(2);
        var full = plain.Compute(images, labels);
        var half = ramped.Compute(images, labels);

        var (ce, dkd) = (full.Terms[0].Value.item<float>(), full.Terms[1].Value.item<float>());
        Assert.Equal("dkd", half.Terms[1].Name);
        Assert.Equal(dkd / 2, half.Terms[1].Value.item<float>(), 5);
        Assert.Equal(ce + dkd / 2, half.Total.item<float>(), 5);
    }

    /// <summary>A teacher-free term that records the epochs it is told and contributes nothing.</summary>
    private sealed class EpochRecordingTerm(string name) : IDistillationTerm
    {
        public List<int> Epochs { get; } = [];

        public string Name => name;

        public bool NeedsTeacher => false;

        public IReadOnlyList<nn.Module> Modules => [];

        public void BeginEpoch(int epoch) => Epochs.Add(epoch);

        public IEnumerable<LossTerm> Compute(DistillationInputs inputs) => [new LossTerm(name, zeros(1).squeeze())];
    }

    public static TheoryData<string> SingleMethods => new() { "kd", "dkd", "dist", "fitnet", "ofa" };

    [Theory]
    [MemberData(nameof(SingleMethods))]
    public void A_single_term_step_totals_the_weighted_ce_and_the_term_computed_by_hand(string method)
    {
        const double ceWeight = 0.8, smoothing = 0.1, kdWeight = 0.6, T = 2, fitnetWeight = 0.4, ofaWeight = 0.7, eps = 1.5;
        using var student = TinyVit();
        using var teacher = TinyResNet();
        manual_seed(55);
        FitNetTerm? fitnet = null;
        OfaTerm? ofa = null;
        IDistillationTerm term = method switch
        {
            "kd" => new KdTerm(new KdOptions { Weight = kdWeight, Temperature = T }),
            "dkd" => new DkdTerm(new DkdOptions { Temperature = T }),
            "dist" => new DistTerm(new DistOptions { Temperature = T }),
            "fitnet" => fitnet = new FitNetTerm(teacher, student, new FitNetOptions(Weight: fitnetWeight)),
            _ => ofa = new OfaTerm(teacher, student, new OfaOptions(Weight: ofaWeight, Eps: eps, Temperature: T)),
        };
        var step = new DistillationStep(method, teacher, student, new FofaLossWeights(CrossEntropy: ceWeight, LabelSmoothing: smoothing), [term]);
        step.SetTraining(true);
        using var images = randn(3, 3, 16, 16);
        using var labels = tensor(LabelValues);

        var output = step.Compute(images, labels);

        using var noGrad = no_grad();
        var s = student.ForwardAll(images);
        var t = teacher.ForwardAll(images);
        var zs = s.Logits.to_type(ScalarType.Float64);
        var zt = t.Logits.to_type(ScalarType.Float64);
        var target = nn.functional.one_hot(labels, Classes).to_type(ScalarType.Bool);
        // Label-smoothed cross-entropy: (1 - e) * (-log p[y]) + e * mean_c(-log p[c]), batch mean.
        var logP = nn.functional.log_softmax(zs, 1);
        var ce = ceWeight * ((1 - smoothing) * -logP.masked_select(target) + smoothing * -logP.mean([1])).mean().item<double>();
        (string Name, double Value)[] expectedTerms = method switch
        {
            "kd" => [("kd", kdWeight * T * T * Kl(Softmax(zt, T), Softmax(zs, T)).mean().item<double>())],
            "dkd" => [("dkd", Dkd(zs, zt, target, alpha: 1, beta: 2, T))],
            "dist" => [("dist", T * T * (Dist(Softmax(zs, T), Softmax(zt, T)) + Dist(Softmax(zs, T).t(), Softmax(zt, T).t())))],
            "fitnet" =>
            [
                // The CNN teacher's maps are the targets as they are.
                ("fitnet", fitnetWeight * Enumerable.Range(1, 4)
                    .Sum(i => (fitnet!.Hints.Regressor(i).call(s.Stages[i - 1]) - t.Stages[i - 1]).pow(2).mean().item<float>())),
            ],
            _ =>
            [
                ("ofa_stages", ofaWeight * Enumerable.Range(1, 4).Sum(i => Ofa(ofa!.Branches[i - 1].call(s.Stages[i - 1]).to_type(ScalarType.Float64), zt, target, eps, T))),
                ("ofa_logits", ofaWeight * Ofa(zs, zt, target, eps, T)),
            ],
        };

        Assert.Equal(["ce", .. expectedTerms.Select(e => e.Name)], output.Terms.Select(x => x.Name));
        var expected = expectedTerms.Select(e => e.Value).Prepend(ce).ToArray();
        Assert.Equal(expected, output.Terms.Select(x => (double)x.Value.item<float>()), new Close());
        Assert.True(new Close().Equals(expected.Sum(), output.Total.item<float>()));
        Assert.All(expected, v => Assert.True(v > 0));
        nn.Module[] termModules = fitnet is not null ? [fitnet.Hints] : ofa is not null ? [.. ofa.Branches] : [];
        Assert.Equal([student, .. termModules], step.StatefulModules);
        Assert.Equal(student.parameters().Count() + termModules.Sum(m => m.parameters().Count()), step.TrainableParameters().Count());
    }

    private static Tensor Softmax(Tensor logits, double temperature) => nn.functional.softmax(logits / temperature, 1);

    // KL(p || q) of each row.
    private static Tensor Kl(Tensor p, Tensor q) => (p * (p.log() - q.log())).sum(1);

    // (alpha * KL of the target/rest split + beta * KL among the non-target classes) * T^2, batch mean.
    private static double Dkd(Tensor zs, Tensor zt, Tensor target, double alpha, double beta, double temperature)
    {
        var (ps, pt) = (Softmax(zs, temperature), Softmax(zt, temperature));
        Tensor Split(Tensor p)
        {
            var onTarget = p.masked_select(target);
            return stack([onTarget, 1 - onTarget], 1);
        }
        // The non-target classes renormalised; the target's own entry is left out of the sum.
        Tensor Rest(Tensor p) => p / (1 - p.masked_select(target)).unsqueeze(1);
        var (rs, rt) = (Rest(ps), Rest(pt));
        var nckd = where(target, zeros_like(rt), rt * (rt.log() - rs.log())).sum(1);
        return ((alpha * Kl(Split(pt), Split(ps)) + beta * nckd).mean() * temperature * temperature).item<double>();
    }

    // Mean over rows of 1 - Pearson(a_row, b_row), with the reference's 1e-8 added to the product of the norms.
    private static double Dist(Tensor a, Tensor b)
    {
        var (ca, cb) = (a - a.mean([1], keepdim: true), b - b.mean([1], keepdim: true));
        var pearson = (ca * cb).sum(1) / (ca.norm(1) * cb.norm(1) + 1e-8);
        return (1 - pearson).mean().item<double>();
    }

    // -(1 + p_t[y])^eps log p_s[y] - sum_{c != y} p_t[c] log p_s[c], batch mean (the paper's form).
    private static double Ofa(Tensor logits, Tensor teacherLogits, Tensor target, double eps, double temperature)
    {
        var pt = Softmax(teacherLogits, temperature);
        var w = where(target, (pt + 1).pow(eps), pt);
        return (-(w * nn.functional.log_softmax(logits / temperature, 1)).sum(1)).mean().item<double>();
    }

    private sealed class Close : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= 1e-5 * Math.Max(1, Math.Abs(a));

        public int GetHashCode(double value) => 0;
    }
}
