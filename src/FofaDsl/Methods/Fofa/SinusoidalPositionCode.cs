using static TorchSharp.torch;

namespace FofaDsl.Methods.Fofa;

/// <summary>
/// The fixed transformer position code: row <c>p</c> holds <c>sin(p * w_i)</c> in even columns
/// <c>2i</c> and <c>cos(p * w_i)</c> in odd columns <c>2i + 1</c>, with <c>w_i = 10000^(-2i / d)</c>.
/// </summary>
public static class SinusoidalPositionCode
{
    /// <summary>A float32 tensor <c>[positions, dim]</c> on the CPU, not requiring gradient.</summary>
    public static Tensor Create(int positions, int dim)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(positions);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        var values = new float[positions * dim];
        for (var p = 0; p < positions; p++)
        {
            for (var column = 0; column < dim; column++)
            {
                var evenColumn = column - column % 2;
                var frequency = Math.Exp(evenColumn * -(Math.Log(10000.0) / dim));
                var angle = p * frequency;
                values[p * dim + column] = (float)(column % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle));
            }
        }
        return tensor(values, [positions, dim]);
    }
}
