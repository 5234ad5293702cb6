using FofaDsl.Methods.Dist;
using FofaDsl.Tests.Methods;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.Dist;

[Collection(TorchCollection.Name)]
public sealed class DistLossTests
{
    private static readonly double[][] Student = [[1.0, 2.0, 3.0, 0.5], [0.5, -1.0, 0.0, 2.0], [2.0, 0.0, 1.0, 1.0]];
    private static readonly double[][] Teacher = [[3.0, 1.0, 0.0, 1.0], [1.0, 1.0, 2.0, 0.0], [0.0, 2.0, 1.0, -1.0]];

    private static Tensor ToTensor(double[][] rows) => tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);

    private static double Pearson(double[] a, double[] b)
    {
        var ma = a.Average();
        var mb = b.Average();
        var ca = a.Select(v => v - ma).ToArray();
        var cb = b.Select(v => v - mb).ToArray();
        var dot = ca.Zip(cb, (x, y) => x * y).Sum();
        var norms = Math.Sqrt(ca.Sum(v => v * v)) * Math.Sqrt(cb.Sum(v => v * v));
        return dot / (norms + 1e-8);
    }

    private static double[] Column(double[][] rows, int c) => rows.Select(r => r[c]).ToArray();

    private static (double Inter, double Intra) Relations(double[][] student, double[][] teacher, double temperature)
    {
        var ps = student.Select(r => LossTestMath.Softmax(r, temperature)).ToArray();
        var pt = teacher.Select(r => LossTestMath.Softmax(r, temperature)).ToArray();
        var inter = ps.Select((row, b) => 1 - Pearson(row, pt[b])).Average();
        var intra = Enumerable.Range(0, ps[0].Length).Select(c => 1 - Pearson(Column(ps, c), Column(pt, c))).Average();
        return (inter, intra);
    }

    [Theory]
    [InlineData(1.0, 1.0, 1.0)]
    [InlineData(2.0, 0.5, 4.0)]
    public void MatchesHandComputedPearsonRelations(double beta, double gamma, double temperature)
    {
        using var s = ToTensor(Student);
        using var t = ToTensor(Teacher);
        using var loss = DistLoss.Compute(s, t, beta, gamma, temperature);

        var (inter, intra) = Relations(Student, Teacher, temperature);
        Assert.Equal(0, loss.dim());
        Assert.Equal(temperature * temperature * (beta * inter + gamma * intra), loss.item<double>(), 10);
    }

    [Fact]
    public void InterAndIntraTermsAreSeparatelyWeighted()
    {
        using var s = ToTensor(Student);
        using var t = ToTensor(Teacher);
        var (inter, intra) = Relations(Student, Teacher, 1.0);
        Assert.Equal(inter, DistLoss.Compute(s, t, 1, 0).item<double>(), 10);
        Assert.Equal(intra, DistLoss.Compute(s, t, 0, 1).item<double>(), 10);
        Assert.NotEqual(inter, intra, 3);
    }

    [Fact]
    public void IsZeroForIdenticalLogitsAndForAffineTeacher()
    {
        using var s = ToTensor(Student);
        using var same = DistLoss.Compute(s, s.clone());
        Assert.Equal(0.0, same.item<double>(), 5);
        // A teacher offset per sample has the same softmax: still a perfect match.
        using var shifted = s + tensor(new[] { 5.0, -2.0, 0.5 }).unsqueeze(1);
        Assert.Equal(0.0, DistLoss.Compute(s, shifted).item<double>(), 5);
    }

    [Fact]
    public void BatchOfOneHasUndefinedIntraCorrelationTreatedAsZero()
    {
        // Each class column has a single entry: centred to zero, the eps keeps the correlation at 0, so intra = 1.
        using var s = ToTensor([Student[0]]);
        using var t = ToTensor([Teacher[0]]);
        var (inter, _) = Relations([Student[0]], [Teacher[0]], 1.0);
        Assert.Equal(inter + 1.0, DistLoss.Compute(s, t).item<double>(), 10);
    }

    [Fact]
    public void RejectsMismatchedShapes()
    {
        using var s = zeros(2, 3);
        using var t = zeros(2, 4);
        Assert.Throws<ArgumentException>(() => DistLoss.Compute(s, t));
        Assert.Throws<ArgumentOutOfRangeException>(() => DistLoss.Compute(s, s, temperature: -1));
    }
}
