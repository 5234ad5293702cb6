namespace FofaDsl.Generators.Parsing;

/// <summary>The fixed facts of each <c>FofaDsl.DatasetKind</c> member (by name) that shapes depend on.</summary>
internal static class DatasetCatalog
{
    public static readonly DatasetInfo FashionMnist = new("FashionMnist", 1, 10, 28, NeedsPath: false);

    private static readonly DatasetInfo[] Members =
    {
        FashionMnist,
        new("Cifar10", 3, 10, 32, NeedsPath: true),
        new("Cifar100", 3, 100, 32, NeedsPath: true),
        new("ImageFolder", 3, 0, 224, NeedsPath: true),
    };

    public static DatasetInfo? FromName(string? name) => System.Array.Find(Members, m => m.Name == name);

    public static int Count => Members.Length;
}

/// <summary>A dataset's channels, class count (0: declared by the user), native image size, and whether it needs a folder.</summary>
internal sealed record DatasetInfo(string Name, int Channels, int Classes, int ImageSize, bool NeedsPath);
