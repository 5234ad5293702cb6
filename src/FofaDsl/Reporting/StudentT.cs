namespace FofaDsl.Reporting;

/// <summary>Quantiles of Student's t distribution, for confidence intervals over a handful of seeds.</summary>
internal static class StudentT
{
    // Two-sided 95 % critical values t(0.975, df) for df = 1..30 (standard tables, rounded to 4 digits).
    private static readonly double[] Critical975 =
    [
        12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
        2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
        2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
    ];

    /// <summary>
    /// t(0.975, <paramref name="degreesOfFreedom"/>): the half-width of a two-sided 95 % interval in standard errors.
    /// Tabled up to 30 degrees of freedom; above, the Cornish-Fisher expansion around the normal quantile (error below 1e-4).
    /// </summary>
    public static double Quantile975(int degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreesOfFreedom, 1);
        if (degreesOfFreedom <= Critical975.Length) return Critical975[degreesOfFreedom - 1];
        const double z = 1.959963984540054;
        double n = degreesOfFreedom;
        return z + (Math.Pow(z, 3) + z) / (4 * n) + (5 * Math.Pow(z, 5) + 16 * Math.Pow(z, 3) + 3 * z) / (96 * n * n);
    }
}
