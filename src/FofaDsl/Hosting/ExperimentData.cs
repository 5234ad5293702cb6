using FofaDsl.Data;

namespace FofaDsl.Hosting;

/// <summary>Loads the declared dataset's training and held-out splits.</summary>
public static class ExperimentData
{
    /// <summary>Loads both splits; <see cref="DataSettings.TrainLimit"/> keeps a class-balanced part of the training split.</summary>
    public static (ImageDataset Train, ImageDataset Test) Load(DataSettings settings)
    {
        string Folder() => settings.Path ?? throw new ArgumentException($"{settings.Dataset} needs a folder: set [Data(Path = ...)] or pass --data DIR.");
        var (train, test) = settings.Dataset switch
        {
            DatasetKind.FashionMnist when settings.Path is null =>
                (FashionMnist.LoadEmbedded(FashionMnistSplit.Train), FashionMnist.LoadEmbedded(FashionMnistSplit.Test)),
            DatasetKind.FashionMnist =>
                (FashionMnist.Load(settings.Path, FashionMnistSplit.Train), FashionMnist.Load(settings.Path, FashionMnistSplit.Test)),
            DatasetKind.Cifar10 => (Cifar.LoadCifar10(Folder(), CifarSplit.Train), Cifar.LoadCifar10(Folder(), CifarSplit.Test)),
            DatasetKind.Cifar100 => (Cifar.LoadCifar100(Folder(), CifarSplit.Train), Cifar.LoadCifar100(Folder(), CifarSplit.Test)),
            DatasetKind.ImageFolder => LoadImageFolder(Folder(), settings),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Dataset, "Unknown dataset."),
        };
        if (settings.TrainLimit > 0 && settings.TrainLimit < train.Count) train = train.BalancedSubset(settings.TrainLimit);
        return (train, test);
    }

    private static (ImageDataset Train, ImageDataset Test) LoadImageFolder(string root, DataSettings settings)
    {
        // Decoded straight to the model's size: shorter side to size / 0.875, then the centre square (timm's evaluation crop).
        var options = new ImageFolderOptions { ImageSize = settings.ImageSize, ResizeShorterSide = (int)Math.Round(settings.ImageSize / 0.875) };
        var train = ImageFolder.Load(Path.Combine(root, "train"), options);
        var test = ImageFolder.Load(Path.Combine(root, "val"), options);
        if (train.ClassCount != settings.Classes || test.ClassCount != settings.Classes)
            throw new ArgumentException($"The experiment declares {settings.Classes} classes, but '{root}' has {train.ClassCount} in train/ and {test.ClassCount} in val/. " +
                                        "Set [Data(Classes = ...)] to the folder's class count, or point --data at the right folder.");
        return (train, test);
    }
}
