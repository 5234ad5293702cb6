using FofaDsl.Reporting;
using FofaDsl.Training;

namespace FofaDsl.Hosting;

/// <summary>
/// What a comparison run leaves beside its results table: per-method metrics CSVs
/// (<c>metrics-&lt;method&gt;.csv</c>, one row per epoch), TensorBoard scalars (<c>tensorboard/</c>)
/// and, at the end, PNG curves of held-out top-1 and of each method's loss terms.
/// </summary>
public sealed class RunReport(string outputDirectory) : IDisposable
{
    private readonly List<(string Run, string Label, TrainingResult Result)> results = [];
    private TensorBoardWriter? tensorBoard;

    /// <summary>
    /// Records a finished (or resumed and finished) training run: its files are named by <paramref name="run"/>
    /// (<c>raa</c>), its TensorBoard tags and plot legends by <paramref name="label"/> (<c>raa (FOFA without prompts)</c>).
    /// </summary>
    public void Add(string run, string label, TrainingResult result)
    {
        results.Add((run, label, result));
        WriteMetrics(run, result);
        tensorBoard ??= new TensorBoardWriter(Path.Combine(outputDirectory, "tensorboard"));
        foreach (var epoch in result.Epochs)
        {
            tensorBoard.AddScalar($"{label}/top1", (float)epoch.TestTop1, epoch.Epoch);
            foreach (var (term, value) in epoch.MeanTerms) tensorBoard.AddScalar($"{label}/{term}", (float)value, epoch.Epoch);
        }
        tensorBoard.Flush();
    }

    /// <summary>Draws <c>accuracy.png</c> (all methods) and <c>loss-&lt;method&gt;.png</c>.</summary>
    public void SavePlots()
    {
        var accuracy = results.Where(r => r.Result.Epochs.Count > 0)
            .Select(r => new PlotSeries(r.Label, r.Result.Epochs.Select(e => ((double)e.Epoch, e.TestTop1 * 100)).ToList()))
            .ToList();
        if (accuracy.Count > 0) TrainingPlots.SaveAccuracyCurves(Path.Combine(outputDirectory, "accuracy.png"), accuracy);
        foreach (var (run, label, result) in results.Where(r => r.Result.Epochs.Count > 0))
        {
            var terms = result.Epochs[0].MeanTerms.Keys
                .Select(term => new PlotSeries(term, result.Epochs.Select(e => ((double)e.Epoch, e.MeanTerms.GetValueOrDefault(term))).ToList()))
                .ToList();
            TrainingPlots.SaveLossCurves(Path.Combine(outputDirectory, $"loss-{run}.png"), terms, $"{label}: loss terms per epoch");
        }
    }

    /// <inheritdoc />
    public void Dispose() => tensorBoard?.Dispose();

    /// <summary>The whole history at once (a resumed run's includes the epochs before the stop), replacing an older file.</summary>
    private void WriteMetrics(string method, TrainingResult result)
    {
        var path = Path.Combine(outputDirectory, $"metrics-{method}.csv");
        var terms = result.Epochs.SelectMany(e => e.MeanTerms.Keys).Distinct().ToList();
        Platform.AtomicFile.WriteWith(path, temporary =>
        {
            using var writer = new MetricsCsvWriter(temporary, terms);
            foreach (var epoch in result.Epochs)
                writer.Append(new MetricsRow(result.Method, epoch.Epoch, epoch.Epoch, epoch.MeanTerms, epoch.TestTop1, epoch.Elapsed.TotalSeconds));
        });
    }
}
