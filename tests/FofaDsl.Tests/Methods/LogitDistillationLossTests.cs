using FofaDsl.Methods.Kd;
using FofaDsl.Methods;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods;

[Collection(TorchCollection.Name)]
public sealed class LogitDistillationLossTests
{
    private static readonly double[][] Student = [[1.0, 2.0, 3.0], [0.5, -1.0, 0.0]];
    private static readonly double[][] Teacher = [[3.0, 1.0, 0.0], [1.0, 1.0, 2.0]];

    private static Tensor ToTensor(double[][] rows) => tensor(rows.SelectMany(r => r).Select(v => (float)v).ToArray(), [rows.Length, rows[0].Length]);

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    [InlineData(4.0)]
    public void MatchesHandComputedBatchMeanKlScaledByTemperatureSquared(double temperature)
    {
        using var s = ToTensor(Student);
        using var t = ToTensor(Teacher);
        using var loss = LogitDistillationLoss.Compute(s, t, temperature);

        var expected = LossTestMath.Kd(Student, Teacher, temperature);
        Assert.Equal(0, loss.dim());
        Assert.Equal(expected, loss.item<float>(), 5);
    }

    [Fact]
    public void IsZeroForIdenticalLogitsAndPositiveOtherwise()
    {
        using var s = ToTensor(Student);
        using var same = LogitDistillationLoss.Compute(s, s.clone(), 2.0);
        using var t = ToTensor(Teacher);
        using var different = LogitDistillationLoss.Compute(s, t, 2.0);
        Assert.Equal(0.0, same.item<float>(), 6);
        Assert.True(different.item<float>() > 0.1f);
    }

    [Fact]
    public void RejectsMismatchedShapesAndNonPositiveTemperature()
    {
        using var s = zeros(2, 3);
        using var t = zeros(2, 4);
        Assert.Throws<ArgumentException>(() => LogitDistillationLoss.Compute(s, t, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LogitDistillationLoss.Compute(s, s, 0.0));
    }
}
