using ScottPlot;

namespace FofaDsl.Reporting;

/// <summary>
/// PNG line charts of a training run: loss terms per epoch (one line per term) and test top-1
/// accuracy per epoch (one line per method), each with a title, axis labels and a legend.
/// </summary>
/// <remarks>
/// Each series gets its own colour from a fixed ten-colour palette (Tableau 10), so a term
/// keeps its colour across charts drawn with the same series order. Points with a NaN or
/// infinite coordinate are left out rather than breaking the axis range. Files are replaced
/// atomically (written beside the target, then renamed).
/// </remarks>
public static class TrainingPlots
{
    /// <summary>The default chart width in pixels.</summary>
    public const int DefaultWidth = 800;

    /// <summary>The default chart height in pixels.</summary>
    public const int DefaultHeight = 500;

    private static readonly Color[] Palette =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#ff7f0e"), Color.FromHex("#2ca02c"), Color.FromHex("#d62728"),
        Color.FromHex("#9467bd"), Color.FromHex("#8c564b"), Color.FromHex("#e377c2"), Color.FromHex("#7f7f7f"),
        Color.FromHex("#bcbd22"), Color.FromHex("#17becf"),
    ];

    /// <summary>Saves the loss terms per epoch, one line per term, as a PNG.</summary>
    /// <param name="path">The PNG file; replaced when it exists, its directory made when missing.</param>
    /// <param name="terms">One series per loss term: (epoch, mean value) points.</param>
    /// <param name="title">The chart title.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    public static void SaveLossCurves(
        string path, IReadOnlyList<PlotSeries> terms, string title = "Loss terms per epoch",
        int width = DefaultWidth, int height = DefaultHeight) =>
        SaveLineChart(path, terms, title, "epoch", "loss", width, height);

    /// <summary>Saves the test top-1 accuracy per epoch, one line per method, as a PNG.</summary>
    /// <param name="path">The PNG file; replaced when it exists, its directory made when missing.</param>
    /// <param name="methods">One series per training method: (epoch, top-1) points.</param>
    /// <param name="title">The chart title.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    public static void SaveAccuracyCurves(
        string path, IReadOnlyList<PlotSeries> methods, string title = "Test top-1 accuracy per epoch",
        int width = DefaultWidth, int height = DefaultHeight) =>
        SaveLineChart(path, methods, title, "epoch", "top-1 accuracy", width, height);

    /// <summary>Saves any set of series as a line chart PNG.</summary>
    /// <param name="path">The PNG file; replaced when it exists, its directory made when missing.</param>
    /// <param name="series">The lines, drawn in order, coloured from the palette in order.</param>
    /// <param name="title">The chart title.</param>
    /// <param name="xLabel">The horizontal axis label.</param>
    /// <param name="yLabel">The vertical axis label.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> or <paramref name="height"/> is below 64 pixels.</exception>
    public static void SaveLineChart(
        string path, IReadOnlyList<PlotSeries> series, string title, string xLabel, string yLabel,
        int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(series);
        // Below this the axes and legend leave no room for a plot area.
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 64);

        PlotFonts.EnsureRegistered();
        using var plot = new Plot();
        for (int i = 0; i < series.Count; i++)
        {
            var (xs, ys) = FinitePoints(series[i].Points);
            var line = plot.Add.Scatter(xs, ys, Palette[i % Palette.Length]);
            line.LegendText = series[i].Series;
            line.LineWidth = 2;
            line.MarkerSize = xs.Length <= 50 ? 5 : 0;
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        if (series.Count > 0)
            plot.ShowLegend(Alignment.UpperRight);

        byte[] png = plot.GetImageBytes(width, height, ImageFormat.Png);
        Platform.AtomicFile.WriteAllBytes(path, png);
    }

    private static (double[] Xs, double[] Ys) FinitePoints(IReadOnlyList<(double X, double Y)> points)
    {
        var finite = points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray();
        return (finite.Select(p => p.X).ToArray(), finite.Select(p => p.Y).ToArray());
    }
}
