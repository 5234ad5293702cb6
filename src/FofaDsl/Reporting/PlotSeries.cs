namespace FofaDsl.Reporting;

/// <summary>One named line of a chart: a loss term over epochs, or one method's accuracy over epochs.</summary>
/// <param name="Series">The name shown in the legend.</param>
/// <param name="Points">The points in drawing order; points with a non-finite coordinate are left out.</param>
public sealed record PlotSeries(string Series, IReadOnlyList<(double X, double Y)> Points);
