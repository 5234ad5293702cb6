namespace FofaDsl.Generators.Tests;

/// <summary>Experiment declarations shared by the generator tests.</summary>
internal static class Experiments
{
    public const string Quickstart = GeneratorHarness.Usings + """
        namespace Samples;

        [Experiment(Seed = 7)]
        [Teacher(Architecture.VisionTransformer, PatchSize = 4, EmbedDim = 96, Depth = 6, Heads = 3)]
        [Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16)]
        [Fofa(Queries = 64, TokenWidth = 128, Heads = 4)]
        [LossWeights(CrossEntropy = 1, LogitKd = 1, Feature = 1, PromptRegularisation = 1, Temperature = 1)]
        [Schedule(Epochs = 4, TeacherEpochs = 6, BatchSize = 64, Optimizer = OptimizerKind.AdamW, LearningRate = 2e-3, WeightDecay = 0.05, WarmupEpochs = 1)]
        [Data(DatasetKind.FashionMnist)]
        public partial class Quickstart;
        """;

    /// <summary>The reverse pair (CNN teacher, ViT student) at 32 pixels with an SGD schedule and no prompt regularisation.</summary>
    public const string ResNetToVit = GeneratorHarness.Usings + """
        namespace Samples.Reverse;

        [Experiment(Seed = 3, Name = "resnet-to-vit")]
        [Teacher(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 8)]
        [Student(Architecture.VisionTransformer, PatchSize = 8, EmbedDim = 32, Depth = 4, Heads = 2)]
        [Fofa(Queries = 16, TokenWidth = 32, Heads = 2, PromptStages = new[] { 2, 4 }, Feedback = false)]
        [LossWeights(PromptRegularisation = 0, Temperature = 4)]
        [Schedule(Epochs = 2, BatchSize = 8, Optimizer = OptimizerKind.Sgd, LearningRate = 0.05, WarmupEpochs = 0)]
        [Data(DatasetKind.FashionMnist, ImageSize = 32)]
        public partial class ResNetToVit;
        """;

    /// <summary>A paper pair from the zoo (ConvNeXt-T teacher, DeiT-T student) at 224 pixels, as the paper's ablation uses.</summary>
    public const string ConvNeXtToDeiT = GeneratorHarness.Usings + """
        namespace Samples.Zoo;

        [Experiment]
        [Teacher(Architecture.ConvNeXtTiny)]
        [Student(Architecture.DeiTTiny)]
        [Fofa(Queries = 64, TokenWidth = 512, Heads = 8)]
        [Data(DatasetKind.FashionMnist, ImageSize = 224)]
        public partial class ConvNeXtToDeiT;
        """;

    /// <summary>Builds a declaration from the quickstart with text replaced; several replacements are separated by '|'.</summary>
    public static string QuickstartWith(string original, string replacement)
    {
        var source = Quickstart;
        foreach (var (from, to) in original.Split('|').Zip(replacement.Split('|')))
        {
            Assert.Contains(from, source);
            source = source.Replace(from, to);
        }
        return source;
    }
}
