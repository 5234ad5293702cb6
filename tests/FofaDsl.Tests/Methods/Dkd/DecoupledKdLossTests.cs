using FofaDsl.Methods.Dkd;
using FofaDsl.Methods.Kd;
using FofaDsl.Tests.Methods;
using FofaDsl.Methods;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.Dkd;

[Collection(TorchCollection.Name)]
public sealed class DecoupledKdLossTests
{
    private static readonly double[][] Student = [[1.0, 2.0, 3.0, 0.5], [0.5, -1.0, 0.0, 2.0], [2.0, 0.0, 1.0, 1.0]];
    private static readonly double[][] Teacher = [[3.0, 1.0, 0.0, 1.0], [1.0, 1.0, 2.0, 0.0], [0.0, 2.0, 1.0, -1.0]];
    private static readonly long[] Labels = [0, 2, 1];

    private static Tensor ToTensor(double[][] rows) => tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);

    /// <summary>Per-sample TCKD and NCKD (unscaled), written out from the definitions.</summary>
    private static (double Target, double NonTarget) Terms(double[] student, double[] teacher, long label, double temperature)
    {
        var ps = LossTestMath.Softmax(student, temperature);
        var pt = LossTestMath.Softmax(teacher, temperature);
        double[] bs = [ps[label], 1 - ps[label]];
        double[] bt = [pt[label], 1 - pt[label]];
        var others = Enumerable.Range(0, student.Length).Where(c => c != label).ToArray();
        var qs = LossTestMath.Softmax(others.Select(c => student[c]).ToArray(), temperature);
        var qt = LossTestMath.Softmax(others.Select(c => teacher[c]).ToArray(), temperature);
        return (LossTestMath.Kl(bt, bs), LossTestMath.Kl(qt, qs));
    }

    [Theory]
    [InlineData(1.0, 2.0, 1.0)]
    [InlineData(1.0, 8.0, 4.0)]
    [InlineData(0.5, 1.0, 2.0)]
    public void MatchesHandComputedTargetAndNonTargetTerms(double alpha, double beta, double temperature)
    {
        using var s = ToTensor(Student);
        using var t = ToTensor(Teacher);
        using var y = tensor(Labels);
        using var loss = DecoupledKdLoss.Compute(s, t, y, alpha, beta, temperature);

        var expected = Student.Select((row, b) =>
        {
            var (target, nonTarget) = Terms(row, Teacher[b], Labels[b], temperature);
            return alpha * target + beta * nonTarget;
        }).Average() * temperature * temperature;
        Assert.Equal(0, loss.dim());
        Assert.Equal(expected, loss.item<double>(), 10);
    }

    [Fact]
    public void PlainKdEqualsTckdPlusNckdWeightedByTeacherNonTargetMass()
    {
        // KD = TCKD + (1 - p_t[y]) * NCKD, so DKD(1, 1) - KD = p_t[y] * NCKD for a single sample.
        using var s = ToTensor([Student[0]]);
        using var t = ToTensor([Teacher[0]]);
        using var y = tensor(new long[] { Labels[0] });
        const double temperature = 2.0;
        var dkd = DecoupledKdLoss.Compute(s, t, y, 1, 1, temperature).item<double>();
        var nckd = DecoupledKdLoss.Compute(s, t, y, 0, 1, temperature).item<double>();
        var kd = LogitDistillationLoss.Compute(s, t, temperature).item<double>();

        var teacherTarget = LossTestMath.Softmax(Teacher[0], temperature)[Labels[0]];
        Assert.True(nckd > 1e-3);
        Assert.Equal(teacherTarget * nckd, dkd - kd, 10);
    }

    [Fact]
    public void ConfidentTeacherSuppressesNckdInKdButNotInDkd()
    {
        using var s = ToTensor([[1.0, 2.0, 3.0, 0.5]]);
        using var y = tensor(new long[] { 0 });
        // Teacher almost certain of the target: KD keeps only TCKD, DKD(1, 1) adds the full NCKD.
        using var confident = ToTensor([[30.0, 1.0, 0.0, 1.0]]);
        var kd = LogitDistillationLoss.Compute(s, confident).item<double>();
        Assert.Equal(kd, DecoupledKdLoss.Compute(s, confident, y, 1, 0).item<double>(), 6);
        var nckd = DecoupledKdLoss.Compute(s, confident, y, 0, 1).item<double>();
        Assert.True(nckd > 0.1);
        Assert.Equal(kd + nckd, DecoupledKdLoss.Compute(s, confident, y, 1, 1).item<double>(), 6);

        // Teacher almost certain the target is wrong: the weight (1 - p_t[y]) is 1 and DKD(1, 1) is KD.
        using var dismissive = ToTensor([[-30.0, 1.0, 0.0, 1.0]]);
        Assert.Equal(LogitDistillationLoss.Compute(s, dismissive).item<double>(),
            DecoupledKdLoss.Compute(s, dismissive, y, 1, 1).item<double>(), 6);
    }

    [Fact]
    public void IsZeroForIdenticalLogitsAndGradientReachesStudent()
    {
        using var s = ToTensor(Student).requires_grad_();
        using var y = tensor(Labels);
        using var same = DecoupledKdLoss.Compute(s, s.detach().clone(), y);
        Assert.Equal(0.0, same.item<double>(), 10);

        using var t = ToTensor(Teacher);
        using var loss = DecoupledKdLoss.Compute(s, t, y);
        loss.backward();
        Assert.NotNull(s.grad);
        Assert.True(s.grad!.abs().sum().item<double>() > 0);
        Assert.False(double.IsNaN(s.grad.sum().item<double>()));
    }

    [Fact]
    public void RejectsMismatchedShapesLabelsAndTemperature()
    {
        using var s = zeros(2, 3);
        using var t = zeros(2, 4);
        using var y = tensor(new long[] { 0, 1 });
        using var y3 = tensor(new long[] { 0, 1, 2 });
        Assert.Throws<ArgumentException>(() => DecoupledKdLoss.Compute(s, t, y));
        Assert.Throws<ArgumentException>(() => DecoupledKdLoss.Compute(s, s, y3));
        Assert.Throws<ArgumentOutOfRangeException>(() => DecoupledKdLoss.Compute(s, s, y, temperature: 0));
    }
}
