namespace FofaDsl.CodeFixes.Tests;

/// <summary>A valid experiment declaration, and variants of it with one text replaced.</summary>
internal static class Sources
{
    public const string Quickstart = """
        using FofaDsl;
        using FofaDsl.Backbones;

        namespace Samples;

        [Experiment(Seed = 7)]
        [Teacher(Architecture.DeiTTiny, PatchSize = 4, EmbedDim = 96, Depth = 6, Heads = 3)]
        [Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16)]
        [Fofa(Queries = 64, TokenWidth = 128, Heads = 4)]
        [Data(DatasetKind.FashionMnist)]
        public partial class Quickstart;
        """;

    /// <summary>The quickstart with <paramref name="original"/> (which must occur in it) replaced.</summary>
    public static string QuickstartWith(string original, string replacement)
    {
        Assert.Contains(original, Quickstart);
        return Quickstart.Replace(original, replacement);
    }
}
