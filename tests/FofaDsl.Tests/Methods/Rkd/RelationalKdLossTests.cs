using FofaDsl.Methods.Rkd;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.Rkd;

[Collection(TorchCollection.Name)]
public sealed class RelationalKdLossTests
{
    private static readonly double[][] Student = [[0.0, 0.0], [3.0, 0.0], [0.0, 1.0]];
    private static readonly double[][] Teacher = [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 0.5]];

    private static Tensor ToTensor(double[][] rows) => tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);

    private static double SmoothL1(double x) => Math.Abs(x) < 1 ? 0.5 * x * x : Math.Abs(x) - 0.5;

    private static double[] Difference(double[] a, double[] b) => a.Zip(b, (x, y) => x - y).ToArray();

    private static double Norm(double[] v) => Math.Sqrt(v.Sum(x => x * x));

    /// <summary>Distance matrix divided by the mean of its off-diagonal (all positive here) entries.</summary>
    private static double[,] NormalisedDistances(double[][] rows)
    {
        var n = rows.Length;
        var d = new double[n, n];
        double sum = 0;
        for (var i = 0; i < n; i++)
        for (var j = 0; j < n; j++)
        {
            d[i, j] = i == j ? 0 : Norm(Difference(rows[i], rows[j]));
            sum += d[i, j];
        }
        var mean = sum / (n * (n - 1));
        for (var i = 0; i < n; i++)
        for (var j = 0; j < n; j++)
            d[i, j] /= mean;
        return d;
    }

    private static double HandDistanceTerm()
    {
        var s = NormalisedDistances(Student);
        var t = NormalisedDistances(Teacher);
        double sum = 0;
        for (var i = 0; i < 3; i++)
        for (var j = 0; j < 3; j++)
            sum += SmoothL1(s[i, j] - t[i, j]);
        return sum / 9;
    }

    /// <summary>cos of the angle at i between j and k; 0 when a leg is the zero vector (j == i or k == i).</summary>
    private static double Cosine(double[][] rows, int i, int j, int k)
    {
        if (j == i || k == i) return 0;
        var a = Difference(rows[j], rows[i]);
        var b = Difference(rows[k], rows[i]);
        return a.Zip(b, (x, y) => x * y).Sum() / (Norm(a) * Norm(b));
    }

    private static double HandAngleTerm()
    {
        double sum = 0;
        for (var i = 0; i < 3; i++)
        for (var j = 0; j < 3; j++)
        for (var k = 0; k < 3; k++)
            sum += SmoothL1(Cosine(Student, i, j, k) - Cosine(Teacher, i, j, k));
        return sum / 27;
    }

    [Fact]
    public void DistanceTermMatchesHandComputedNormalisedDistances()
    {
        using var s = ToTensor(Student);
        using var t = ToTensor(Teacher);
        var expected = HandDistanceTerm();
        Assert.True(expected > 1e-3);
        Assert.Equal(expected, RelationalKdLoss.DistanceTerm(s, t).item<double>(), 10);
    }

    [Fact]
    public void AngleTermMatchesHandComputedTripletCosines()
    {
        using var s = ToTensor(Student);
        using var t = ToTensor(Teacher);
        var expected = HandAngleTerm();
        Assert.True(expected > 1e-3);
        Assert.Equal(expected, RelationalKdLoss.AngleTerm(s, t).item<double>(), 10);
    }

    [Fact]
    public void ComputeWeightsBothTermsAndFlattensFeatures()
    {
        using var s = ToTensor(Student).reshape(3, 1, 2, 1);
        using var t = ToTensor(Teacher).reshape(3, 3, 1);
        using var loss = RelationalKdLoss.Compute(s, t);
        Assert.Equal(25 * HandDistanceTerm() + 50 * HandAngleTerm(), loss.item<double>(), 9);
        Assert.Equal(2 * HandDistanceTerm(), RelationalKdLoss.Compute(s, t, 2, 0).item<double>(), 10);
    }

    [Fact]
    public void IsZeroForIdenticalOrUniformlyScaledFeatures()
    {
        using var s = ToTensor(Student);
        Assert.Equal(0.0, RelationalKdLoss.Compute(s, s.clone()).item<double>(), 10);
        // Both terms are scale-invariant: distances are mean-normalised, angles ignore length.
        using var scaled = s * 7.0;
        Assert.Equal(0.0, RelationalKdLoss.Compute(s, scaled).item<double>(), 10);
    }

    [Fact]
    public void GradientReachesStudentButNotTeacher()
    {
        using var s = ToTensor(Student).requires_grad_();
        using var t = ToTensor(Teacher).requires_grad_();
        using var loss = RelationalKdLoss.Compute(s, t);
        loss.backward();
        Assert.NotNull(s.grad);
        Assert.True(s.grad!.abs().sum().item<double>() > 0);
        Assert.False(double.IsNaN(s.grad.sum().item<double>()));
        Assert.Null(t.grad);
    }

    [Fact]
    public void RejectsDifferentBatchSizes()
    {
        using var s = zeros(3, 2);
        using var t = zeros(4, 2);
        Assert.Throws<ArgumentException>(() => RelationalKdLoss.Compute(s, t));
    }
}
