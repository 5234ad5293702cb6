using System.Globalization;
using FofaDsl.Reporting;

namespace FofaDsl.Tests.Reporting;

/// <summary>Means, standard deviations and paired 95 % intervals over seeds, against values worked out by hand.</summary>
public sealed class SeedComparisonTests
{
    [Fact]
    public void A_run_is_compared_with_scratch_seed_by_seed_with_a_student_t_interval()
    {
        var comparison = new SeedComparison("scratch");
        comparison.Add("scratch", 11, 0.70);
        comparison.Add("kd", 11, 0.71);
        comparison.Add("scratch", 12, 0.72);
        comparison.Add("kd", 12, 0.75);
        comparison.Add("scratch", 13, 0.74);
        comparison.Add("kd", 13, 0.74);

        var kd = comparison.Summaries().Single(s => s.Run == "kd");
        // kd: 0.71, 0.75, 0.74 -> mean 0.733333; deviations -0.023333, 0.016667, 0.006667; sd = sqrt(0.00086667 / 2) = 0.020817.
        Assert.Equal(0.7333333, kd.Mean, 6);
        Assert.Equal(0.0208167, kd.StandardDeviation, 6);
        // Differences 0.01, 0.03, 0.00: mean 0.013333, sd 0.015275; half-width t(0.975, 2) 4.3027 * 0.015275 / sqrt(3) = 0.037946.
        var d = kd.Difference!;
        Assert.Equal(3, d.Count);
        Assert.Equal(0.0133333, d.Mean, 6);
        Assert.Equal(0.0133333 - 0.0379460, d.Low!.Value, 5);
        Assert.Equal(0.0133333 + 0.0379460, d.High!.Value, 5);
        Assert.Equal("+1.33 [-2.46, +5.13]", d.ToString());
        Assert.Null(comparison.Summaries().Single(s => s.Run == "scratch").Difference);
    }

    [Fact]
    public void One_seed_gives_a_difference_without_an_interval_and_a_seed_added_twice_counts_once()
    {
        var comparison = new SeedComparison("scratch");
        comparison.Add("scratch", 1, 0.5);
        comparison.Add("fofa", 1, 0.4);
        comparison.Add("fofa", 1, 0.45);
        var fofa = comparison.Summaries().Single(s => s.Run == "fofa");
        Assert.Equal(1, fofa.Count);
        Assert.Equal(-0.05, fofa.Difference!.Mean, 12);
        Assert.Null(fofa.Difference.Low);
        Assert.Equal("-5.00 (1 seed)", fofa.Difference.ToString());
    }

    [Fact]
    public void The_table_lists_every_seed_and_the_csv_one_line_per_run()
    {
        var comparison = new SeedComparison("scratch");
        comparison.Add("scratch", 1, 0.5);
        comparison.Add("scratch", 2, 0.6);
        comparison.Add("kd", 1, 0.55);
        comparison.Add("kd", 2, 0.7);
        var lines = comparison.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("seed 1", lines[0]);
        Assert.Contains("seed 2", lines[0]);
        Assert.Contains("Δ vs scratch [95 % CI]", lines[0]);
        // kd: 55.00 and 70.00, mean 62.50 ± 10.61; differences 5 and 10 points: mean 7.5, half-width 12.7062 * 3.5355 / sqrt(2) = 31.77.
        Assert.Matches(@"\| kd +\| +55\.00 \| +70\.00 \| +62\.50 ± 10\.61 \| +\+7\.50 \[-24\.27, \+39\.27\] \|", lines[3]);

        var path = Path.Combine(Path.GetTempPath(), $"seeds-{Guid.NewGuid():N}.csv");
        try
        {
            comparison.WriteCsv(path);
            var csv = File.ReadAllLines(path);
            Assert.Equal("run,seeds,mean_top1,sd_top1,delta_vs_reference,ci95_low,ci95_high", csv[0]);
            Assert.Equal(3, csv.Length);
            var kd = csv[2].Split(',');
            Assert.Equal("\"kd\"", kd[0]);
            Assert.Equal("1 2", kd[1]);
            Assert.Equal(0.625, double.Parse(kd[2], CultureInfo.InvariantCulture), 6);
            Assert.Equal(0.075, double.Parse(kd[4], CultureInfo.InvariantCulture), 6);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(1, 12.7062)]
    [InlineData(2, 4.3027)]
    [InlineData(10, 2.2281)]
    [InlineData(30, 2.0423)]
    [InlineData(40, 2.0211)] // tables: 2.021
    [InlineData(120, 1.9799)] // tables: 1.980
    public void Student_t_quantiles_match_the_tables(int degreesOfFreedom, double expected) =>
        Assert.Equal(expected, StudentT.Quantile975(degreesOfFreedom), 3);
}
