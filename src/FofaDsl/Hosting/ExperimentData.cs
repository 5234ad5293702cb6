using FofaDsl.Data;

namespace FofaDsl.Hosting;

/// <summary>Loads the declared dataset's training and held-out splits.</summary>
public static class ExperimentData
{
    /// <summary>Loads both splits; <see cref="DataSettings.TrainLimit"/> keeps a class-balanced part of the training split.</summary>
    public static (ImageDataset Train, ImageDataset Test) Load(DataSettings settings)
    {
        var (train, test) = settings.Dataset switch
        {
            DatasetKind.FashionMnist when settings.Path is null =>
                (FashionMnist.LoadEmbedded(FashionMnistSplit.Train), FashionMnist.LoadEmbedded(FashionMnistSplit.Test)),
            DatasetKind.FashionMnist =>
                (FashionMnist.Load(settings.Path, FashionMnistSplit.Train), FashionMnist.Load(settings.Path, FashionMnistSplit.Test)),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Dataset, "Unknown dataset."),
        };
        if (settings.TrainLimit > 0 && settings.TrainLimit < train.Count) train = train.BalancedSubset(settings.TrainLimit);
        return (train, test);
    }
}
