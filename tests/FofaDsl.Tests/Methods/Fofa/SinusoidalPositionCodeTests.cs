using FofaDsl.Methods.Fofa;

namespace FofaDsl.Tests.Methods.Fofa;

[Collection(TorchCollection.Name)]
public sealed class SinusoidalPositionCodeTests
{
    [Fact]
    public void EvenColumnsAreSinesAndOddColumnsCosinesOfGeometricFrequencies()
    {
        const int positions = 5, dim = 6;
        using var code = SinusoidalPositionCode.Create(positions, dim);
        Assert.Equal([positions, dim], code.shape);
        var values = code.data<float>().ToArray();
        for (var p = 0; p < positions; p++)
        for (var i = 0; i < dim / 2; i++)
        {
            var angle = p / Math.Pow(10000.0, 2.0 * i / dim);
            Assert.Equal(Math.Sin(angle), values[p * dim + 2 * i], 5);
            Assert.Equal(Math.Cos(angle), values[p * dim + 2 * i + 1], 5);
        }
    }
}
