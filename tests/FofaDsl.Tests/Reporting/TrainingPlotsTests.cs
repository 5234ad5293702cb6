using FofaDsl.Reporting;
using SkiaSharp;

namespace FofaDsl.Tests.Reporting;

public sealed class TrainingPlotsTests : IDisposable
{
    private readonly ReportingTempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static PlotSeries Line(string name, Func<int, double> y, int epochs = 10) =>
        new(name, [.. Enumerable.Range(1, epochs).Select(epoch => ((double)epoch, y(epoch)))]);

    private static readonly PlotSeries[] LossTerms =
    [
        Line("ce", epoch => 2.0 / epoch),
        Line("kd", epoch => 1.0 / epoch + 0.2),
        Line("feature", epoch => 0.5 + 0.02 * epoch),
    ];

    [Fact]
    public void Loss_curves_are_a_png_of_the_requested_size()
    {
        string path = temp.File("plots/loss.png");
        TrainingPlots.SaveLossCurves(path, LossTerms, width: 640, height: 360);

        using var bitmap = PngFile.Decode(path);
        Assert.Equal((640, 360), (bitmap.Width, bitmap.Height));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void Loss_curves_are_not_blank()
    {
        string path = temp.File("loss.png");
        TrainingPlots.SaveLossCurves(path, LossTerms, width: 400, height: 300);

        using var bitmap = PngFile.Decode(path);
        var brightness = Pixels(bitmap).Select(p => (p.Red + p.Green + p.Blue) / 3.0).ToArray();
        double mean = brightness.Average();
        double variance = brightness.Select(b => (b - mean) * (b - mean)).Average();
        Assert.True(variance > 50, $"pixel brightness variance {variance:F1}: the chart looks blank");
    }

    [Fact]
    public void Each_series_is_drawn_in_its_own_colour()
    {
        string path = temp.File("loss.png");
        TrainingPlots.SaveLossCurves(path, LossTerms, width: 600, height: 400);

        using var bitmap = PngFile.Decode(path);
        Assert.True(DistinctHues(bitmap) >= LossTerms.Length, $"expected {LossTerms.Length} line colours, saw {DistinctHues(bitmap)}");
    }

    [Fact]
    public void Accuracy_curves_draw_one_line_per_method()
    {
        PlotSeries[] methods =
        [
            Line("student", epoch => 0.3 + 0.03 * epoch),
            Line("kd", epoch => 0.35 + 0.035 * epoch),
            Line("fofa", epoch => 0.4 + 0.04 * epoch),
            Line("ofa", epoch => 0.38 + 0.037 * epoch),
        ];
        string path = temp.File("top1.png");
        TrainingPlots.SaveAccuracyCurves(path, methods, width: 500, height: 350);

        using var bitmap = PngFile.Decode(path);
        Assert.Equal((500, 350), (bitmap.Width, bitmap.Height));
        Assert.True(DistinctHues(bitmap) >= methods.Length);
    }

    [Fact]
    public void A_chart_with_one_line_has_one_line_colour()
    {
        string path = temp.File("one.png");
        TrainingPlots.SaveLossCurves(path, [LossTerms[0]], width: 500, height: 350);

        using var bitmap = PngFile.Decode(path);
        Assert.Equal(1, DistinctHues(bitmap));
    }

    [Fact]
    public void Non_finite_points_are_skipped_and_a_file_is_replaced()
    {
        string path = temp.File("loss.png");
        File.WriteAllText(path, "old");
        PlotSeries withNaN = new("ce", [(1, 2.0), (2, double.NaN), (3, double.PositiveInfinity), (4, 1.0)]);
        TrainingPlots.SaveLossCurves(path, [withNaN], width: 300, height: 200);

        using var bitmap = PngFile.Decode(path);
        Assert.Equal((300, 200), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public void Too_small_a_size_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingPlots.SaveLossCurves(temp.File("x.png"), LossTerms, width: 10, height: 300));

    private static IEnumerable<SKColor> Pixels(SKBitmap bitmap)
    {
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
                yield return bitmap.GetPixel(x, y);
        }
    }

    // Strongly coloured pixels grouped into 30-degree hue bins; a bin counts once it holds
    // enough pixels to be a line (anti-aliased edges and text add only a few stray ones).
    private static int DistinctHues(SKBitmap bitmap)
    {
        var bins = new int[12];
        foreach (var pixel in Pixels(bitmap))
        {
            pixel.ToHsv(out float hue, out float saturation, out float value);
            if (saturation >= 50 && value >= 40)
                bins[(int)(hue / 30) % 12]++;
        }
        return bins.Count(count => count >= 100);
    }
}
