namespace FofaDsl.Tests.Methods;

/// <summary>Plain double-precision reference math for the loss tests.</summary>
internal static class LossTestMath
{
    public static double[] Softmax(double[] logits, double temperature)
    {
        var max = logits.Max() / temperature;
        var exps = logits.Select(z => Math.Exp(z / temperature - max)).ToArray();
        var sum = exps.Sum();
        return exps.Select(e => e / sum).ToArray();
    }

    /// <summary>KL(p || q) summed over classes.</summary>
    public static double Kl(double[] p, double[] q) => p.Select((pi, i) => pi * Math.Log(pi / q[i])).Sum();

    /// <summary>Batch-mean T^2 * KL(softmax(t/T) || softmax(s/T)).</summary>
    public static double Kd(double[][] student, double[][] teacher, double temperature) =>
        student.Select((s, b) => Kl(Softmax(teacher[b], temperature), Softmax(s, temperature))).Average() * temperature * temperature;

    /// <summary>PyTorch's adaptive average pooling of one h x w plane to l x l.</summary>
    public static double[,] AdaptivePool(double[,] plane, int level)
    {
        int h = plane.GetLength(0), w = plane.GetLength(1);
        var pooled = new double[level, level];
        for (var i = 0; i < level; i++)
        for (var j = 0; j < level; j++)
        {
            int r0 = i * h / level, r1 = ((i + 1) * h + level - 1) / level;
            int c0 = j * w / level, c1 = ((j + 1) * w + level - 1) / level;
            double sum = 0;
            for (var r = r0; r < r1; r++)
            for (var c = c0; c < c1; c++)
                sum += plane[r, c];
            pooled[i, j] = sum / ((r1 - r0) * (c1 - c0));
        }
        return pooled;
    }

    public static double Mse(IReadOnlyList<double[,]> a, IReadOnlyList<double[,]> b)
    {
        double sum = 0;
        var count = 0;
        for (var k = 0; k < a.Count; k++)
        for (var i = 0; i < a[k].GetLength(0); i++)
        for (var j = 0; j < a[k].GetLength(1); j++)
        {
            var d = a[k][i, j] - b[k][i, j];
            sum += d * d;
            count++;
        }
        return sum / count;
    }
}
