namespace FofaDsl.Generators.Tests;

/// <summary>Experiment declarations shared by the generator tests.</summary>
internal static class Experiments
{
    public const string Quickstart = GeneratorHarness.Usings + """
        namespace Samples;

        [Experiment(Seed = 7)]
        [Teacher(Architecture.DeiTTiny, PatchSize = 4, EmbedDim = 96, Depth = 6, Heads = 3)]
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
        [Student(Architecture.DeiTTiny, PatchSize = 8, EmbedDim = 32, Depth = 4, Heads = 2)]
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

    /// <summary>Every method of the paper as a run, one combined run (KD + FitNet), and FOFA with ablation switches.</summary>
    public const string AllMethods = GeneratorHarness.Usings + """
        namespace Samples.Methods;

        [Experiment(Seed = 11, Device = "cpu", Output = "runs/all-methods", CheckpointEverySteps = 50)]
        [Teacher(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 8, Classes = 10)]
        [Student(Architecture.DeiTTiny, PatchSize = 4, EmbedDim = 32, Depth = 4, Heads = 2, InputChannels = 1)]
        [Scratch]
        [Kd(Temperature = 4)]
        [Dkd(Beta = 8, Temperature = 4, WarmupEpochs = 2)]
        [Dist(Beta = 2)]
        [FitNet(Stages = new[] { 2, 3 })]
        [Ofa(Eps = 1.5, Stages = new[] { 3, 4 })]
        [Cc]
        [Rkd(AngleWeight = 0)]
        [Crd(Negatives = 1024)]
        [Kd(Run = "kd+fitnet", Temperature = 4)]
        [FitNet(Run = "kd+fitnet", Weight = 2)]
        [Fofa(Queries = 16, TokenWidth = 32, Heads = 2, PromptStages = new[] { 3, 4 }, Feedback = false)]
        [Schedule(Epochs = 2, BatchSize = 16, Optimizer = OptimizerKind.Sgd, LearningRate = 0.05, WarmupEpochs = 0)]
        [Data(DatasetKind.FashionMnist, ImageSize = 32)]
        public partial class AllMethods;
        """;

    /// <summary>No teacher: the student (a future teacher) trained on its own.</summary>
    public const string ScratchOnly = GeneratorHarness.Usings + """
        namespace Samples.Supervised;

        [Experiment]
        [Student(Architecture.MobileNetV2)]
        [Scratch]
        [Data(DatasetKind.Cifar10, Path = "/data/cifar-10-batches-bin")]
        public partial class ScratchOnly;
        """;

    /// <summary>A user's own TorchSharp module as the student, its stages given by taps.</summary>
    public const string TappedStudent = GeneratorHarness.Usings + """
        namespace Samples.Taps;

        [Experiment]
        [Teacher(Architecture.DeiTTiny, PatchSize = 4, EmbedDim = 64, Depth = 4, Heads = 2)]
        [Student(typeof(TapNet))]
        """ + CustomModels.TapNetStudentTaps + """

        [Kd, Fofa(Queries = 16, TokenWidth = 32, Heads = 2)]
        [Data(DatasetKind.FashionMnist)]
        public partial class TappedStudent;

        """ + CustomModels.TapNet;

    /// <summary>The paper's ablation as FOFA runs of one experiment: full, without RAA, without prompts, without feedback, prompts at stage 4, N = 16; and FOFA combined with its own KD and FitNet in one run.</summary>
    public const string Ablation = GeneratorHarness.Usings + """
        namespace Samples.Ablation;

        [Experiment(Seed = 5)]
        [Teacher(Architecture.DeiTTiny, PatchSize = 4, EmbedDim = 64, Depth = 4, Heads = 2)]
        [Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 8)]
        [Fofa(TokenWidth = 64, Heads = 4)]
        [Fofa(Run = "no-raa", TokenWidth = 64, Heads = 4, RegionAwareAttention = false)]
        [Fofa(Run = "no-afp", TokenWidth = 64, Heads = 4, Prompts = false)]
        [Fofa(Run = "no-feedback", TokenWidth = 64, Heads = 4, Feedback = false)]
        [Fofa(Run = "afp-stage4", TokenWidth = 64, Heads = 4, PromptStages = new[] { 4 })]
        [Fofa(Run = "n16", Queries = 16, TokenWidth = 64, Heads = 4, RecomputeTeacher = false)]
        [Kd(Run = "fofa+fitnet", Temperature = 4), Fofa(Run = "fofa+fitnet", TokenWidth = 64, Heads = 4), FitNet(Run = "fofa+fitnet", Stages = new[] { 4 })]
        [Data(DatasetKind.FashionMnist)]
        public partial class Ablation;
        """;

    /// <summary>A user's module whose members the generator reads from its constructor (initializers, assignments, Sequential).</summary>
    public const string ConvTappedStudent = GeneratorHarness.Usings + """
        namespace Samples.Taps;

        [Experiment]
        [Teacher(Architecture.DeiTTiny, PatchSize = 4, EmbedDim = 64, Depth = 4, Heads = 2)]
        [Student(typeof(ConvTapNet))]
        """ + CustomModels.ConvTapNetStudentTaps + """

        [Kd, Fofa(Queries = 16, TokenWidth = 32, Heads = 2)]
        [Data(DatasetKind.FashionMnist)]
        public partial class ConvTappedStudent;

        """ + CustomModels.ConvTapNet;

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
