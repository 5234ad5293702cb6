namespace FofaDsl.Augmentation;

/// <summary>
/// The draws the augmentations need from a <see cref="Random"/>, so that every random choice of a
/// transform comes from the generator it was given and a seed reproduces a run exactly.
/// </summary>
internal static class RandomSampling
{
    /// <summary>Uniform in <c>[low, high)</c>, as Python's <c>random.uniform</c>.</summary>
    public static double Uniform(this Random random, double low, double high) => low + (high - low) * random.NextDouble();

    /// <summary>An integer in <c>[low, high]</c>, both ends included, as Python's <c>random.randint</c>.</summary>
    public static int IntInclusive(this Random random, int low, int high) => random.Next(low, high + 1);

    /// <summary>A normal draw by the Box-Muller transform.</summary>
    public static double Gaussian(this Random random, double mean, double std)
    {
        // 1 - NextDouble() is in (0, 1]: the logarithm stays finite.
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return mean + std * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>A Gamma(<paramref name="shape"/>, 1) draw (Marsaglia and Tsang).</summary>
    public static double Gamma(this Random random, double shape)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shape);
        if (shape < 1.0)
        {
            // Gamma(a) = Gamma(a + 1) * U^(1/a): the squeeze method needs a shape of at least 1.
            double u = 1.0 - random.NextDouble();
            return random.Gamma(shape + 1.0) * Math.Pow(u, 1.0 / shape);
        }

        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = random.Gaussian(0.0, 1.0);
                v = 1.0 + c * x;
            }
            while (v <= 0.0);
            v = v * v * v;
            double u = 1.0 - random.NextDouble();
            if (u < 1.0 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1.0 - v + Math.Log(v)))
                return d * v;
        }
    }

    /// <summary>A Beta(<paramref name="alpha"/>, <paramref name="beta"/>) draw from two Gamma draws.</summary>
    public static double Beta(this Random random, double alpha, double beta)
    {
        double x = random.Gamma(alpha);
        double y = random.Gamma(beta);
        return x / (x + y);
    }
}
