namespace FofaDsl.Generators.Model;

/// <summary>Resolved <c>[Data]</c> with the dataset's fixed facts (channels, classes, native size).</summary>
internal sealed record DataSpec(string Dataset, string? Path, int ImageSize, int TrainLimit, int InputChannels, int Classes, string Augmentation);
