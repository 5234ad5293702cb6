using FofaDsl.Methods.Cc;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.Cc;

[Collection(TorchCollection.Name)]
public sealed class CorrelationCongruenceTests
{
    private static Tensor ToTensor(double[][] rows, ScalarType dtype = ScalarType.Float64) =>
        tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]).to_type(dtype);

    private static double[] Unit(double[] v)
    {
        var norm = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    /// <summary>exp(-2g) * (1 + 2g s + (2g)^2 / 2 s^2) of the cosine similarities, by hand.</summary>
    private static double[,] Correlation(double[][] rows, double gamma)
    {
        var unit = rows.Select(Unit).ToArray();
        var result = new double[rows.Length, rows.Length];
        for (var i = 0; i < rows.Length; i++)
        for (var j = 0; j < rows.Length; j++)
        {
            var s = unit[i].Zip(unit[j], (a, b) => a * b).Sum();
            result[i, j] = Math.Exp(-2 * gamma) * (1 + 2 * gamma * s + 2 * gamma * gamma * s * s);
        }
        return result;
    }

    private static double[][] MatMulTransposed(double[][] x, double[][] weight) =>
        x.Select(row => weight.Select(w => w.Zip(row, (a, b) => a * b).Sum()).ToArray()).ToArray();

    [Theory]
    [InlineData(0.4)]
    [InlineData(1.0)]
    public void CorrelationMatrixIsSecondOrderTaylorGaussianOfCosines(double gamma)
    {
        double[][] rows = [[1.0, 2.0, -1.0, 0.5], [0.0, 1.0, 1.0, 1.0], [-2.0, 0.5, 0.0, 1.0]];
        using var input = ToTensor(rows);
        using var matrix = CorrelationCongruence.CorrelationMatrix(input, gamma);

        var expected = Correlation(rows, gamma);
        Assert.Equal([3L, 3L], matrix.shape);
        for (var i = 0; i < 3; i++)
        for (var j = 0; j < 3; j++)
            Assert.Equal(expected[i, j], matrix[i, j].item<double>(), 12);
        // Unit rows: the diagonal is the truncated exp(-2g) * exp(2g).
        Assert.Equal(Math.Exp(-2 * gamma) * (1 + 2 * gamma + 2 * gamma * gamma), matrix[1, 1].item<double>(), 12);
    }

    [Fact]
    public void HigherOrderApproachesTheExactGaussianKernel()
    {
        double[][] rows = [[1.0, 2.0, -1.0], [0.0, 1.0, 1.0]];
        using var input = ToTensor(rows);
        using var matrix = CorrelationCongruence.CorrelationMatrix(input, 0.4, order: 12);
        var a = Unit(rows[0]);
        var b = Unit(rows[1]);
        var squaredDistance = a.Zip(b, (x, y) => (x - y) * (x - y)).Sum();
        Assert.Equal(Math.Exp(-0.4 * squaredDistance), matrix[0, 1].item<double>(), 10);
    }

    [Fact]
    public void LossIsScaledMseBetweenCorrelationMatricesOfEmbeddedFeatures()
    {
        double[][] studentFeatures = [[1.0, 0.0, 2.0], [0.5, -1.0, 1.0], [0.0, 1.0, -1.0]];
        double[][] teacherFeatures = [[1.0, 2.0], [-1.0, 0.5], [0.3, -2.0]];
        double[][] studentWeight = [[1.0, 0.0, 0.5], [0.0, 1.0, 0.0], [0.5, -0.5, 1.0], [0.2, 0.1, -0.3]];
        double[][] teacherWeight = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-0.5, 0.5]];
        using var cc = new CorrelationCongruence(3, 2, embedDim: 4, gamma: 0.4, scale: 0.02);
        using (no_grad())
        {
            cc.StudentEmbedding.weight!.copy_(ToTensor(studentWeight, ScalarType.Float32));
            cc.TeacherEmbedding.weight!.copy_(ToTensor(teacherWeight, ScalarType.Float32));
            cc.StudentEmbedding.bias!.zero_();
            cc.TeacherEmbedding.bias!.zero_();
        }
        using var s = ToTensor(studentFeatures, ScalarType.Float32);
        using var t = ToTensor(teacherFeatures, ScalarType.Float32);
        using var loss = cc.Loss(s, t);

        var cs = Correlation(MatMulTransposed(studentFeatures, studentWeight), 0.4);
        var ct = Correlation(MatMulTransposed(teacherFeatures, teacherWeight), 0.4);
        double sum = 0;
        for (var i = 0; i < 3; i++)
        for (var j = 0; j < 3; j++)
            sum += (cs[i, j] - ct[i, j]) * (cs[i, j] - ct[i, j]);
        var expected = 0.02 * sum / 9;
        Assert.True(expected > 1e-5);
        Assert.Equal(expected, loss.item<float>(), 6);
    }

    [Fact]
    public void GradientsReachBothEmbeddingHeadsAndIdenticalEmbeddingsGiveZero()
    {
        manual_seed(3);
        using var cc = new CorrelationCongruence(5, 7);
        using var s = randn(4, 5);
        using var t = randn(4, 7, 1, 1);
        using var loss = cc.Loss(s, t);
        loss.backward();
        Assert.True(cc.StudentEmbedding.weight!.grad!.abs().sum().item<float>() > 0);
        Assert.True(cc.TeacherEmbedding.weight!.grad!.abs().sum().item<float>() > 0);

        using var same = new CorrelationCongruence(5, 5);
        using (no_grad()) same.TeacherEmbedding.weight!.copy_(same.StudentEmbedding.weight!);
        using (no_grad()) same.TeacherEmbedding.bias!.copy_(same.StudentEmbedding.bias!);
        Assert.Equal(0.0, same.Loss(s, s.clone()).item<float>(), 7);
    }
}
