namespace FofaDsl.Reporting;

/// <summary>One line of the metrics CSV: an epoch or a step of one training method.</summary>
/// <param name="Method">The training method (e.g. <c>fofa</c>, <c>kd</c>, <c>student</c>).</param>
/// <param name="Epoch">The epoch the event belongs to.</param>
/// <param name="Step">The global optimizer step at the event.</param>
/// <param name="Terms">Loss term values by name; a term the writer has a column for but the row lacks is left empty.</param>
/// <param name="Top1">Test top-1 accuracy, or <see langword="null"/> where the event has none (a step row).</param>
/// <param name="ElapsedSeconds">Seconds since the run started.</param>
public sealed record MetricsRow(
    string Method,
    int Epoch,
    long Step,
    IReadOnlyDictionary<string, double> Terms,
    double? Top1,
    double ElapsedSeconds);
