using FofaDsl.Methods.Ofa;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.Ofa;

[Collection(TorchCollection.Name)]
public sealed class OfaLossTests
{
    private static readonly double[][] Student = [[1.0, 2.0, 0.5], [-1.0, 0.0, 3.0]];
    private static readonly double[][] Teacher = [[0.2, 2.5, -0.3], [1.5, 0.1, 0.7]];
    private static readonly long[] Labels = [1, 0];

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(1.5, 1.0)]
    [InlineData(1.5, 2.0)]
    public void PaperFormMatchesHandComputedValue(double eps, double temperature)
    {
        var expected = HandComputed(temperature, (pt, isTarget) => isTarget ? Math.Pow(1 + pt, eps) : pt);
        using var value = OfaLoss.Compute(Logits(Student), Logits(Teacher), tensor(Labels), eps, temperature);
        Assert.Equal(expected, value.item<float>(), 4);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(1.5)]
    public void OfficialCodeFormMatchesHandComputedValue(double eps)
    {
        var expected = HandComputed(1.0, (pt, isTarget) => isTarget ? Math.Pow(1 + pt, eps) - 1 : Math.Pow(pt, eps));
        using var value = OfaLoss.ComputeAsOfficialCode(Logits(Student), Logits(Teacher), tensor(Labels), eps);
        Assert.Equal(expected, value.item<float>(), 4);
    }

    [Fact]
    public void GradientReachesTheStudentLogitsOnly()
    {
        using var student = Logits(Student).requires_grad_();
        using var teacher = Logits(Teacher).requires_grad_();
        using var value = OfaLoss.Compute(student, teacher, tensor(Labels), eps: 1.5);
        value.backward();
        Assert.NotNull(student.grad);
        Assert.Null(teacher.grad);
    }

    // Batch mean of -sum_c weight(p_t[c], c == y) * log p_s[c], in plain doubles.
    private static double HandComputed(double temperature, Func<double, bool, double> weight)
    {
        var total = 0.0;
        for (var b = 0; b < 2; b++)
        {
            var ps = Softmax(Student[b], temperature);
            var pt = Softmax(Teacher[b], temperature);
            for (var c = 0; c < 3; c++) total -= weight(pt[c], c == Labels[b]) * Math.Log(ps[c]);
        }
        return total / 2;
    }

    private static double[] Softmax(double[] z, double temperature)
    {
        var exps = z.Select(v => Math.Exp(v / temperature)).ToArray();
        var sum = exps.Sum();
        return exps.Select(e => e / sum).ToArray();
    }

    private static Tensor Logits(double[][] rows) =>
        tensor(rows.SelectMany(r => r).Select(v => (float)v).ToArray()).reshape(2, 3);
}
