namespace FofaDsl.Hosting;

/// <summary>Resolved data declaration (see <see cref="DataAttribute"/>).</summary>
public sealed record DataSettings(DatasetKind Dataset, string? Path, int ImageSize, int TrainLimit);
