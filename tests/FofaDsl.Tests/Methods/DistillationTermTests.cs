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
using TorchSharp;
using static TorchSharp.torch;
using static FofaDsl.Tests.Methods.DistillationModels;

namespace FofaDsl.Tests.Methods;

/// <summary>Each term's value against the same quantity computed by hand on tiny tensors.</summary>
[Collection(TorchCollection.Name)]
public sealed class DistillationTermTests
{
    private static readonly double[][] StudentLogits = [[1.0, 2.0, 0.5, -0.3], [0.2, -1.0, 0.3, 0.9], [-0.4, 0.1, 1.7, 0.0]];
    private static readonly double[][] TeacherLogits = [[0.3, 2.5, -0.5, 0.1], [1.2, -0.2, 0.0, 0.4], [0.6, 0.6, 0.9, -1.1]];
    private static readonly long[] Labels = [1, 3, 0];

    private static Tensor Matrix(double[][] rows) => tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);

    private static ModelOutputs Outputs(Tensor logits, Tensor? embedding = null, IReadOnlyList<Tensor>? stages = null) =>
        new(logits, stages ?? [], embedding ?? zeros(logits.shape[0], 1));

    private static DistillationInputs LogitInputs() =>
        new(Outputs(Matrix(StudentLogits)), Outputs(Matrix(TeacherLogits)), tensor(Labels), null);

    private static double Single(IEnumerable<FofaDsl.Methods.LossTerm> terms, string name)
    {
        var list = terms.ToList();
        Assert.Equal([name], list.Select(t => t.Name));
        return list[0].Value.to_type(ScalarType.Float64).item<double>();
    }

    [Fact]
    public void Kd_is_weight_times_T_squared_times_the_batch_mean_KL()
    {
        var term = new KdTerm(new KdOptions { Weight = 0.5, Temperature = 2 });
        var expected = 0.5 * LossTestMath.Kd(StudentLogits, TeacherLogits, 2);
        Assert.Equal(expected, Single(term.Compute(LogitInputs()), "kd"), 10);
        Assert.Empty(term.Modules);
    }

    // (alpha * TCKD + beta * NCKD) * T^2 of the fixed logits, batch mean, without any warm-up.
    private static double HandDkd(double alpha, double beta, double T)
    {
        var perSample = StudentLogits.Select((s, b) =>
        {
            var y = (int)Labels[b];
            var ps = LossTestMath.Softmax(s, T);
            var pt = LossTestMath.Softmax(TeacherLogits[b], T);
            var tckd = LossTestMath.Kl([pt[y], 1 - pt[y]], [ps[y], 1 - ps[y]]);
            double[] Others(double[] z) => z.Where((_, c) => c != y).ToArray();
            var nckd = LossTestMath.Kl(LossTestMath.Softmax(Others(TeacherLogits[b]), T), LossTestMath.Softmax(Others(s), T));
            return alpha * tckd + beta * nckd;
        });
        return perSample.Average() * T * T;
    }

    [Fact]
    public void Dkd_is_alpha_TCKD_plus_beta_NCKD_times_T_squared()
    {
        const double alpha = 0.7, beta = 3, T = 1.5;
        var term = new DkdTerm(new DkdOptions { Alpha = alpha, Beta = beta, Temperature = T });

        Assert.Equal(HandDkd(alpha, beta, T), Single(term.Compute(LogitInputs()), "dkd"), 8);
    }

    [Fact]
    public void Dkd_warm_up_scales_the_term_by_epoch_over_warmup_epochs_until_it_reaches_one()
    {
        const double alpha = 1, beta = 8, T = 4;
        IDistillationTerm term = new DkdTerm(new DkdOptions { Alpha = alpha, Beta = beta, Temperature = T, WarmupEpochs = 4 });
        var full = HandDkd(alpha, beta, T);
        double At(int epoch)
        {
            term.BeginEpoch(epoch);
            return Single(term.Compute(LogitInputs()), "dkd");
        }

        // Before any epoch is announced the term is in epoch 1.
        Assert.Equal(full / 4, Single(term.Compute(LogitInputs()), "dkd"), 8);
        Assert.Equal(full / 4, At(1), 8);
        Assert.Equal(full * 3 / 4, At(3), 8);
        Assert.Equal(full, At(4), 8);
        Assert.Equal(full, At(7), 8);
        Assert.Throws<ArgumentOutOfRangeException>(() => term.BeginEpoch(0));
    }

    [Fact]
    public void Dkd_without_warm_up_ignores_the_epoch()
    {
        IDistillationTerm term = new DkdTerm(new DkdOptions());
        term.BeginEpoch(1);
        Assert.Equal(HandDkd(1, 2, 1), Single(term.Compute(LogitInputs()), "dkd"), 8);
    }

    [Fact]
    public void Dist_is_weight_T_squared_beta_inter_plus_gamma_intra()
    {
        const double weight = 2, beta = 0.5, gamma = 1.5, T = 3;
        var term = new DistTerm(new DistOptions { Weight = weight, Beta = beta, Gamma = gamma, Temperature = T });

        static double Pearson(double[] a, double[] b)
        {
            double ma = a.Average(), mb = b.Average();
            var cov = a.Zip(b, (x, y) => (x - ma) * (y - mb)).Sum();
            // The reference adds 1e-8 to the product of the norms.
            return cov / (Math.Sqrt(a.Sum(x => (x - ma) * (x - ma))) * Math.Sqrt(b.Sum(y => (y - mb) * (y - mb))) + 1e-8);
        }
        var ps = StudentLogits.Select(z => LossTestMath.Softmax(z, T)).ToArray();
        var pt = TeacherLogits.Select(z => LossTestMath.Softmax(z, T)).ToArray();
        var inter = ps.Select((p, b) => 1 - Pearson(p, pt[b])).Average();
        var intra = Enumerable.Range(0, 4).Select(c => 1 - Pearson(ps.Select(p => p[c]).ToArray(), pt.Select(p => p[c]).ToArray())).Average();
        var expected = weight * T * T * (beta * inter + gamma * intra);

        Assert.Equal(expected, Single(term.Compute(LogitInputs()), "dist"), 6);
    }

    [Fact]
    public void FitNet_sums_the_weighted_MSE_of_the_regressed_student_stages_against_the_teacher_patch_tokens()
    {
        manual_seed(41);
        using var student = TinyResNet();
        using var teacher = TinyVit();
        var term = new FitNetTerm(teacher, student, new FitNetOptions(Weight: 0.5, Stages: [2, 4]));
        using var images = randn(2, 3, 16, 16);
        var s = student.ForwardAll(images);
        ModelOutputs t;
        using (no_grad()) t = teacher.ForwardAll(images);

        var loss = Single(term.Compute(new DistillationInputs(s, t, tensor(new long[] { 0, 1 }), null)), "fitnet");

        double Mse(int stage) => (term.Hints.Regressor(stage).call(s.Stages[stage - 1]) - t.Stages[stage - 1][.., 1..]).pow(2).mean().item<float>();
        Assert.Equal(0.5 * (Mse(2) + Mse(4)), loss, 5);
        Assert.Same(term.Hints, Assert.Single(term.Modules));
    }

    [Fact]
    public void Ofa_gives_the_weighted_branch_sum_and_the_weighted_final_logit_term()
    {
        manual_seed(42);
        using var student = TinyResNet();
        using var teacher = TinyVit();
        const double weight = 0.7, eps = 1.5, T = 2;
        var term = new OfaTerm(teacher, student, new OfaOptions(Weight: weight, Eps: eps, Temperature: T, Stages: [1, 3]));
        using var images = randn(3, 3, 16, 16);
        var labels = tensor(new long[] { 4, 0, 2 });
        var s = student.ForwardAll(images);
        ModelOutputs t;
        using (no_grad()) t = teacher.ForwardAll(images);

        var terms = term.Compute(new DistillationInputs(s, t, labels, null)).ToList();

        // -(1 + p_t[y])^eps log p_s[y] - sum_{c != y} p_t[c] log p_s[c], batch mean.
        double Ofa(Tensor logits)
        {
            var pt = nn.functional.softmax(t.Logits / T, 1);
            var target = nn.functional.one_hot(labels, Classes).to_type(ScalarType.Bool);
            var w = where(target, (pt + 1).pow(eps), pt);
            return (-(w * nn.functional.log_softmax(logits / T, 1)).sum(1)).mean().item<float>();
        }
        Assert.Equal(["ofa_stages", "ofa_logits"], terms.Select(x => x.Name));
        Assert.Equal(2, term.Branches.Count);
        Assert.Equal(weight * (Ofa(term.Branches[0].call(s.Stages[0])) + Ofa(term.Branches[1].call(s.Stages[2]))), terms[0].Value.item<float>(), 4);
        Assert.Equal(weight * Ofa(s.Logits), terms[1].Value.item<float>(), 4);
    }

    [Fact]
    public void Cc_is_the_weighted_MSE_of_the_Taylor_kernels_of_the_embedded_features()
    {
        manual_seed(43);
        using var student = TinyResNet();
        using var teacher = TinyVit();
        const double gamma = 0.4, weight = 0.02;
        var term = new CcTerm(teacher, student, new CcOptions { EmbedDim = 8 });
        using var studentEmbedding = randn(4, student.EmbeddingWidth);
        using var teacherEmbedding = randn(4, teacher.EmbeddingWidth);
        var inputs = new DistillationInputs(Outputs(randn(4, Classes), studentEmbedding), Outputs(randn(4, Classes), teacherEmbedding), tensor(new long[] { 0, 1, 2, 3 }), null);

        var loss = Single(term.Compute(inputs), "cc");

        Tensor Kernel(Tensor projected)
        {
            var unit = projected / projected.norm(1, keepdim: true);
            var s = unit.matmul(unit.t());
            return Math.Exp(-2 * gamma) * (1 + 2 * gamma * s + 2 * gamma * gamma * s * s);
        }
        var cs = Kernel(term.Correlation.StudentEmbedding.call(studentEmbedding));
        var ct = Kernel(term.Correlation.TeacherEmbedding.call(teacherEmbedding));
        Assert.Equal(weight * (cs - ct).pow(2).mean().item<float>(), loss, 6);
        Assert.Equal(8, term.Correlation.StudentEmbedding.weight!.shape[0]);
        Assert.Equal(student.EmbeddingWidth, term.Correlation.StudentEmbedding.weight!.shape[1]);
        Assert.Equal(teacher.EmbeddingWidth, term.Correlation.TeacherEmbedding.weight!.shape[1]);
    }

    [Fact]
    public void Rkd_reports_the_weighted_distance_and_angle_terms_of_the_embeddings()
    {
        manual_seed(44);
        using var studentEmbedding = randn(5, 6, dtype: ScalarType.Float64);
        using var teacherEmbedding = randn(5, 3, dtype: ScalarType.Float64);
        var inputs = new DistillationInputs(Outputs(randn(5, Classes), studentEmbedding), Outputs(randn(5, Classes), teacherEmbedding), tensor(new long[] { 0, 1, 2, 3, 4 }), null);
        var term = new RkdTerm(new RkdOptions());

        var terms = term.Compute(inputs).ToList();

        // Distance term by hand: Euclidean distances over their mean off-diagonal value, smooth-L1 over all pairs.
        double[,] Normalised(Tensor e)
        {
            var d = new double[5, 5];
            double sum = 0;
            for (var i = 0; i < 5; i++)
            for (var j = 0; j < 5; j++)
            {
                d[i, j] = i == j ? 0 : (e[i] - e[j]).norm().item<double>();
                sum += d[i, j];
            }
            var mean = sum / 20;
            for (var i = 0; i < 5; i++)
            for (var j = 0; j < 5; j++) d[i, j] /= mean;
            return d;
        }
        static double SmoothL1(double x) => Math.Abs(x) < 1 ? 0.5 * x * x : Math.Abs(x) - 0.5;
        var (ds, dt) = (Normalised(studentEmbedding), Normalised(teacherEmbedding));
        double distance = 0;
        for (var i = 0; i < 5; i++)
        for (var j = 0; j < 5; j++) distance += SmoothL1(ds[i, j] - dt[i, j]);
        distance /= 25;

        // Angle term by hand: at each anchor i, the unit vectors towards every j (zero towards itself) and their cosines
        // cos[i, j, k]; smooth-L1 averaged over all 125 triplets.
        double[,,] Cosines(Tensor e)
        {
            var rows = Enumerable.Range(0, 5).Select(i => e[i].data<double>().ToArray()).ToArray();
            double[] Unit(int i, int j)
            {
                var d = rows[j].Zip(rows[i], (a, b) => a - b).ToArray();
                var norm = Math.Sqrt(d.Sum(x => x * x));
                return norm == 0 ? d : d.Select(x => x / norm).ToArray();
            }
            var c = new double[5, 5, 5];
            for (var i = 0; i < 5; i++)
            for (var j = 0; j < 5; j++)
            for (var k = 0; k < 5; k++) c[i, j, k] = Unit(i, j).Zip(Unit(i, k), (a, b) => a * b).Sum();
            return c;
        }
        var (cs, ct) = (Cosines(studentEmbedding), Cosines(teacherEmbedding));
        double angle = 0;
        for (var i = 0; i < 5; i++)
        for (var j = 0; j < 5; j++)
        for (var k = 0; k < 5; k++) angle += SmoothL1(cs[i, j, k] - ct[i, j, k]);
        angle /= 125;

        Assert.Equal(["rkd-distance", "rkd-angle"], terms.Select(t => t.Name));
        Assert.Equal(25 * distance, terms[0].Value.item<double>(), 8);
        Assert.Equal(50 * angle, terms[1].Value.item<double>(), 8);
        Assert.True(terms[1].Value.item<double>() > 0);
    }

    [Fact]
    public void Crd_equals_the_nce_loss_computed_by_hand_and_updates_the_memory_rows()
    {
        // Two training samples: the one negative of each sample is the other one, so every draw is known.
        using var student = TinyResNet();
        using var teacher = TinyVit();
        manual_seed(45);
        var term = new CrdTerm(teacher, student, trainingSamples: 2, new CrdOptions { EmbedDim = 4 });
        using var studentEmbedding = randn(2, student.EmbeddingWidth);
        using var teacherEmbedding = randn(2, teacher.EmbeddingWidth);
        var indices = tensor(new long[] { 1, 0 });
        var inputs = new DistillationInputs(Outputs(randn(2, Classes), studentEmbedding), Outputs(randn(2, Classes), teacherEmbedding), tensor(new long[] { 0, 1 }), indices);

        static double[][] Rows(Tensor t) => Enumerable.Range(0, (int)t.shape[0]).Select(i => t[i].to(ScalarType.Float64).data<double>().ToArray()).ToArray();
        static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();
        static double[] Normalised(double[] v) => v.Select(x => x / Math.Sqrt(Dot(v, v))).ToArray();
        double[][] Embed(TorchSharp.Modules.Linear head, Tensor features)
        {
            var (w, bias, x) = (Rows(head.weight!), head.bias!.to(ScalarType.Float64).data<double>().ToArray(), Rows(features));
            return x.Select(row => Normalised(w.Select((wRow, o) => Dot(wRow, row) + bias[o]).ToArray())).ToArray();
        }
        var (es, et) = (Embed(term.Contrast.StudentEmbedding, studentEmbedding), Embed(term.Contrast.TeacherEmbedding, teacherEmbedding));
        var (studentBank, teacherBank) = (Rows(term.Contrast.StudentMemory), Rows(term.Contrast.TeacherMemory));
        long[] positive = [1, 0];
        const double T = 0.07, N = 2, noise = 1 / N, eps = ContrastiveRepresentation.NceEpsilon;
        // NCE of one side: anchors against the other side's bank, Z = mean of all scores * N fixed on this first batch.
        double Nce(double[][] anchors, double[][] bank)
        {
            var scores = anchors.Select((e, b) => new[] { Math.Exp(Dot(e, bank[positive[b]]) / T), Math.Exp(Dot(e, bank[1 - positive[b]]) / T) }).ToArray();
            var z = scores.SelectMany(x => x).Average() * N;
            return scores.Sum(x => -(Math.Log(x[0] / z / (x[0] / z + noise + eps)) + Math.Log(noise / (x[1] / z + noise + eps)))) / 2;
        }
        var expected = 0.8 * (Nce(es, teacherBank) + Nce(et, studentBank));
        double[] Updated(double[] row, double[] e) => Normalised(row.Zip(e, (m, x) => 0.5 * m + 0.5 * x).ToArray());

        var loss = Single(term.Compute(inputs), "crd");

        Assert.Equal(expected, loss, 4);
        for (var b = 0; b < 2; b++)
        {
            Assert.Equal(Updated(studentBank[positive[b]], es[b]), Rows(term.Contrast.StudentMemory)[positive[b]], (x, y) => Math.Abs(x - y) < 1e-5);
            Assert.Equal(Updated(teacherBank[positive[b]], et[b]), Rows(term.Contrast.TeacherMemory)[positive[b]], (x, y) => Math.Abs(x - y) < 1e-5);
        }
        Assert.True(term.NeedsSampleIndices);
        Assert.Throws<InvalidOperationException>(() => term.Compute(inputs with { SampleIndices = null }).ToList());
    }

    [Fact]
    public void Crd_caps_the_negatives_at_the_other_samples_with_a_note()
    {
        using var student = TinyResNet();
        using var teacher = TinyVit();
        var term = new CrdTerm(teacher, student, trainingSamples: 10, new CrdOptions { EmbedDim = 4 });

        Assert.Equal(9, term.Negatives);
        Assert.Contains("16384", term.Note);
        Assert.Contains("using 9", term.Note);
        Assert.Null(new CrdTerm(teacher, student, 20000, new CrdOptions()).Note);
        Assert.Throws<ArgumentException>(() => new CrdTerm(teacher, student, 1, new CrdOptions()));
    }

    [Fact]
    public void A_term_that_reads_the_teacher_throws_naming_itself_when_there_is_none()
    {
        var inputs = LogitInputs() with { Teacher = null };
        var error = Assert.Throws<InvalidOperationException>(() => new KdTerm(new KdOptions()).Compute(inputs).ToList());
        Assert.Contains("'kd'", error.Message);
    }
}
