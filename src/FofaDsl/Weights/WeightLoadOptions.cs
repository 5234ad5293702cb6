namespace FofaDsl.Weights;

/// <summary>
/// How <see cref="PretrainedWeights.Load"/> maps the names in a checkpoint onto a model. File keys go
/// through three steps in this order: <see cref="StripPrefixes"/>, then <see cref="KeyMap"/>, then
/// the classifier filter of <see cref="SkipClassifier"/>.
/// </summary>
public sealed record WeightLoadOptions
{
    /// <summary>The classifier prefixes of torchvision (<c>fc.</c>, <c>classifier.</c>) and timm (<c>head.</c>, <c>head.fc.</c>).</summary>
    public static IReadOnlyList<string> DefaultClassifierPrefixes { get; } = ["head.", "fc.", "classifier.", "head.fc."];

    /// <summary>
    /// True fails on keys the file has but the model lacks (PyTorch's <c>strict=True</c>). False ignores
    /// them and lists them in <see cref="LoadReport.IgnoredUnexpectedKeys"/>. Missing keys and shape
    /// mismatches fail either way, since they would leave the model half-initialised.
    /// </summary>
    public bool Strict { get; init; } = true;

    /// <summary>
    /// Drops the file's classifier (keys under <see cref="ClassifierPrefixes"/>) and leaves the model's
    /// own classifier at its initialisation, so a 1000-class ImageNet checkpoint loads into a model
    /// with another class count.
    /// </summary>
    public bool SkipClassifier { get; init; }

    /// <summary>Name prefixes, after renaming, that belong to the classifier head; used by <see cref="SkipClassifier"/>.</summary>
    public IReadOnlyList<string> ClassifierPrefixes { get; init; } = DefaultClassifierPrefixes;

    /// <summary>
    /// Prefixes removed from file keys, tried in order and each at most once, e.g. <c>module.</c> from
    /// DistributedDataParallel checkpoints or <c>model.</c> from EMA/Lightning wrappers. Empty by default,
    /// because a model may legitimately own a submodule called <c>model</c>.
    /// </summary>
    public IReadOnlyList<string> StripPrefixes { get; init; } = [];

    /// <summary>
    /// Renames a file key (after <see cref="StripPrefixes"/>) to the model's name for it; returning null
    /// drops the key (it is listed in <see cref="LoadReport.DroppedKeys"/>). Null keeps every name.
    /// </summary>
    public Func<string, string?>? KeyMap { get; init; }
}
