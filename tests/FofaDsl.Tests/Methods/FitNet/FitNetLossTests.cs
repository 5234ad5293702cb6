using FofaDsl.Methods.FitNet;
using FofaDsl.Stages;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.FitNet;

[Collection(TorchCollection.Name)]
public sealed class FitNetLossTests
{
    [Fact]
    public void LossIsTheSumOverSelectedStagesOfHandComputedMse()
    {
        // Stage 1: spatial 1x2x2 -> spatial 2x2x2 (Conv1x1, weights [0.5, -1], biases [0.1, 0.2]).
        // Stage 2: tokens (cls + 1x2 grid) of width 1 -> tokens (cls + 1x2) of width 2 (Linear, same values).
        // Stages 3 and 4 are not selected and get no regressor.
        StageGeometry[] student = [StageGeometry.Spatial(1, 2, 2), StageGeometry.Tokens(1, 1, 2, true), StageGeometry.Spatial(1, 1, 1), StageGeometry.Spatial(1, 1, 1)];
        StageGeometry[] teacher = [StageGeometry.Spatial(2, 2, 2), StageGeometry.Tokens(2, 1, 2, true), StageGeometry.Spatial(1, 1, 1), StageGeometry.Spatial(1, 1, 1)];
        using var loss = new FitNetLoss(student, teacher, [1, 2]);
        double[] w = [0.5, -1], b = [0.1, 0.2];
        using (no_grad())
        {
            foreach (var stage in new[] { 1, 2 })
            foreach (var (name, parameter) in loss.Regressor(stage).named_parameters())
            {
                var values = name.EndsWith("weight") ? w : b;
                parameter.copy_(tensor(values.Select(v => (float)v).ToArray()).reshape(parameter.shape));
            }
        }
        Assert.Equal(4, loss.parameters().Count()); // a weight and a bias per selected stage

        double[] s1 = [1, 2, -1, 0.5];                      // [1, 1, 2, 2]
        double[] t1 = [0, 1, 2, 3, -1, -2, 0.5, 0.25];      // [1, 2, 2, 2]
        double[] s2 = [9, 3, -2];                           // [1, 3, 1]: class token 9, patches 3 and -2
        double[] t2 = [7, 7, 1, 2, 0.5, -0.5];              // [1, 3, 2]: class token (7, 7) is ignored
        var studentStages = new[] { Float(s1, 1, 1, 2, 2), Float(s2, 1, 3, 1), zeros(1, 1, 1, 1), zeros(1, 1, 1, 1) };
        var teacherStages = new[] { Float(t1, 1, 2, 2, 2), Float(t2, 1, 3, 2), zeros(1, 1, 1, 1), zeros(1, 1, 1, 1) };

        double mse1 = 0;
        for (var c = 0; c < 2; c++)
        for (var p = 0; p < 4; p++)
            mse1 += Math.Pow(w[c] * s1[p] + b[c] - t1[c * 4 + p], 2);
        mse1 /= 8;
        double mse2 = 0;
        for (var token = 0; token < 2; token++)
        for (var c = 0; c < 2; c++)
            mse2 += Math.Pow(w[c] * s2[1 + token] + b[c] - t2[(1 + token) * 2 + c], 2);
        mse2 /= 4;

        using var value = loss.Loss(studentStages, teacherStages);
        Assert.Equal(mse1 + mse2, value.item<float>(), 4);
    }

    [Fact]
    public void OnlySelectedStagesGetRegressors()
    {
        var geometry = Enumerable.Repeat(StageGeometry.Spatial(4, 4, 4), 4).ToArray();
        using var loss = new FitNetLoss(geometry, geometry, [2, 4]);
        Assert.Equal([2, 4], loss.Stages);
        Assert.Throws<ArgumentOutOfRangeException>(() => loss.Regressor(1));
        Assert.Throws<ArgumentException>(() => new FitNetLoss(geometry, geometry, [0, 5]));
    }

    private static Tensor Float(double[] values, params long[] shape) =>
        tensor(values.Select(v => (float)v).ToArray()).reshape(shape);
}
