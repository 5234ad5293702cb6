using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FofaDsl.Generators.Tests;

/// <summary>Each diagnostic fires at the offending argument, and a near miss does not fire.</summary>
public sealed class DiagnosticTests
{
    public static TheoryData<string, string, string, string> Cases => new()
    {
        // id, original text, replacement (several separated by '|'), the source text the diagnostic must point at
        { "FOFA001", "public partial class Quickstart;", "public class Quickstart { }", "Quickstart" },
        { "FOFA002", "[Teacher(Architecture.DeiTTiny, PatchSize = 4, EmbedDim = 96, Depth = 6, Heads = 3)]", "", "Fofa(Queries = 64, TokenWidth = 128, Heads = 4)" },
        { "FOFA002", "[Teacher(Architecture.DeiTTiny, PatchSize = 4, EmbedDim = 96, Depth = 6, Heads = 3)]|[Fofa(Queries = 64, TokenWidth = 128, Heads = 4)]", "|[Scratch, Dkd(Beta = 8)]", "Dkd(Beta = 8)" },
        { "FOFA003", "[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16)]", "", "Quickstart" },
        { "FOFA004", "Queries = 64", "Queries = 50", "Queries = 50" },
        { "FOFA004", "Queries = 64", "Queries = 0", "Queries = 0" },
        { "FOFA005", "Heads = 4)]", "Heads = 4, PromptStages = new[] { 1, 5 })]", "PromptStages = new[] { 1, 5 }" },
        { "FOFA005", "Heads = 4)]", "Heads = 4, PromptStages = new[] { 2, 2 })]", "PromptStages = new[] { 2, 2 }" },
        { "FOFA005", "Heads = 4)]", "Heads = 4, PromptStages = new[] { 0 })]", "PromptStages = new[] { 0 }" },
        { "FOFA008", "Heads = 4)]", "Heads = 4, FeatureWeight = -0.5)]", "FeatureWeight = -0.5" },
        { "FOFA008", "Heads = 4)]", "Heads = 4, FeatureWarmupEpochs = -1)]", "FeatureWarmupEpochs = -1" },
        { "FOFA006", "TokenWidth = 128, Heads = 4", "TokenWidth = 128, Heads = 3", "Heads = 3" },
        { "FOFA006", "EmbedDim = 96, Depth = 6, Heads = 3", "EmbedDim = 96, Depth = 6, Heads = 5", "Heads = 5" },
        { "FOFA007", "PatchSize = 4", "PatchSize = 5", "PatchSize = 5" },
        { "FOFA008", "Depth = 6", "Depth = 3", "Depth = 3" },
        { "FOFA008", "Temperature = 1", "Temperature = 0", "Temperature = 0" },
        { "FOFA008", "LogitKd = 1", "LogitKd = -1", "LogitKd = -1" },
        { "FOFA008", "LogitKd = 1", "LogitKd = double.NaN", "LogitKd = double.NaN" },
        { "FOFA008", "Epochs = 4", "Epochs = 0", "Epochs = 0" },
        { "FOFA008", "BatchSize = 64", "BatchSize = -2", "BatchSize = -2" },
        { "FOFA008", "WarmupEpochs = 1", "WarmupEpochs = 4", "WarmupEpochs = 4" },
        { "FOFA008", "[Data(DatasetKind.FashionMnist)]", "[Data(DatasetKind.FashionMnist, ImageSize = -28)]", "ImageSize = -28" },
        { "FOFA009", "CrossEntropy = 1, LogitKd = 1, Feature = 1, PromptRegularisation = 1", "CrossEntropy = 0, LogitKd = 0, Feature = 0, PromptRegularisation = 0",
            "LossWeights(CrossEntropy = 0, LogitKd = 0, Feature = 0, PromptRegularisation = 0, Temperature = 1)" },
        { "FOFA010", "Stem = ResNetStem.Cifar, BaseWidth = 16", "Stem = ResNetStem.Cifar, BaseWidth = 16, PatchSize = 4", "PatchSize = 4" },
        { "FOFA010", "PatchSize = 4, EmbedDim = 96", "PatchSize = 4, BaseWidth = 8, EmbedDim = 96", "BaseWidth = 8" },
        { "FOFA010", "[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16)]", "[Student(Architecture.MobileNetV2, Depth = 3)]", "Depth = 3" },
        { "FOFA007", "[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16)]", "[Student(Architecture.SwinPico)]", "Student(Architecture.SwinPico)" },
        { "FOFA007", "[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16)]", "[Student(Architecture.ConvNeXtTiny)]", "Student(Architecture.ConvNeXtTiny)" },
        { "FOFA014", "[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16)]", "[Student(typeof(string))]", "typeof(string)" },
        { "FOFA015", "[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16)]|public partial class Quickstart;",
            "[Student(typeof(Undeclared))]|public partial class Quickstart; " + CustomModels.Undeclared, "typeof(Undeclared)" },
        { "FOFA015", "[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16)]|public partial class Quickstart;",
            "[Student(typeof(ThreeStages))]|public partial class Quickstart; " + CustomModels.ThreeStages, "typeof(ThreeStages)" },
        { "FOFA016", "[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16)]|public partial class Quickstart;",
            "[Student(typeof(NoConstructor))]|public partial class Quickstart; " + CustomModels.NoConstructor, "typeof(NoConstructor)" },
        { "FOFA010", "[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16)]|public partial class Quickstart;",
            "[Student(typeof(TinyNet), Depth = 2)]|public partial class Quickstart; " + CustomModels.TinyNet, "Depth = 2" },
        { "FOFA007", "[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16)]|public partial class Quickstart;",
            "[Student(typeof(PatchNet))]|public partial class Quickstart; " + CustomModels.PatchNet, "Student(typeof(PatchNet))" },
        { "FOFA008", "[Data(DatasetKind.FashionMnist)]|[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16)]",
            "[Data(DatasetKind.FashionMnist, ImageSize = 96)]|[Student(Architecture.SwinTiny, PatchSize = 2, WindowSize = 5)]", "WindowSize = 5" },
        { "FOFA008", "[Data(DatasetKind.FashionMnist)]", "[Data(DatasetKind.ImageFolder, Path = \"/data/imagenet-100\")]", "Data(DatasetKind.ImageFolder, Path = \"/data/imagenet-100\")" },
        { "FOFA008", "[Data(DatasetKind.FashionMnist)]", "[Data(DatasetKind.Cifar100)]", "Data(DatasetKind.Cifar100)" },
        { "FOFA008", "[Data(DatasetKind.FashionMnist)]", "[Data(DatasetKind.Cifar10, Path = \"/d\", Classes = 100)]", "Classes = 100" },
        { "FOFA008", "WarmupEpochs = 1", "WarmupEpochs = 1, EmaDecay = 1.5", "EmaDecay = 1.5" },
        { "FOFA008", "WarmupEpochs = 1", "WarmupEpochs = 1, GradientClip = -5", "GradientClip = -5" },
        { "FOFA008", "WarmupEpochs = 1", "WarmupEpochs = 1, Decay = LearningRateDecay.Step, DecayFactor = 2", "DecayFactor = 2" },
        { "FOFA011", "public partial class Quickstart;", "public partial class Outer { [Experiment] [Teacher(Architecture.ResNet18)] [Student(Architecture.ResNet18)] public partial class Quickstart; }", "Quickstart" },
        { "FOFA012", "Architecture.ResNet18, Stem", "(Architecture)42, Stem", "(Architecture)42" },
        { "FOFA013", "Queries = 64", "Queries = 196", "Queries = 196" },
        { "FOFA008", Fofa, Fofa + "[Kd(Temperature = 0)]", "Temperature = 0" },
        { "FOFA008", Fofa, Fofa + "[Kd(Run = \"KD\")]", "Run = \"KD\"" },
        { "FOFA008", Fofa, Fofa + "[FitNet(Stages = new[] { 1, 5 })]", "Stages = new[] { 1, 5 }" },
        { "FOFA008", Fofa, Fofa + "[Crd(Momentum = 1)]", "Momentum = 1" },
        { "FOFA008", Fofa, Fofa + "[Cc(EmbedDim = 0)]", "EmbedDim = 0" },
        { "FOFA008", Fofa, Fofa + "[Dkd(WarmupEpochs = -1)]", "WarmupEpochs = -1" },
        { "FOFA008", Fofa, Fofa + "[Rkd(AngleWeight = double.NaN)]", "AngleWeight = double.NaN" },
        { "FOFA008", "[Experiment(Seed = 7)]", "[Experiment(Seed = 7, Device = \"gpu\")]", "Device = \"gpu\"" },
        { "FOFA008", "[Experiment(Seed = 7)]", "[Experiment(Seed = 7, CheckpointEverySteps = -1)]", "CheckpointEverySteps = -1" },
        { "FOFA017", Fofa, Fofa + "[Scratch, Kd(Run = \"scratch\")]", "Run = \"scratch\"" },
        { "FOFA017", Fofa, Fofa + "[Kd(Temperature = 4), Kd(Weight = 2)]", "Kd(Weight = 2)" },
        { "FOFA017", Fofa, Fofa + "[Fofa(Queries = 16)]", "Fofa(Queries = 16)" },
        { "FOFA017", Fofa, Fofa + "[Scratch, Fofa(Run = \"scratch\")]", "Run = \"scratch\"" },
        { "FOFA008", Fofa, Fofa + "[Fofa(Run = \"No RAA\", RegionAwareAttention = false)]", "Run = \"No RAA\"" },
        { "FOFA004", Fofa, Fofa + "[Fofa(Run = \"n12\", Queries = 12)]", "Queries = 12" },
        { "FOFA005", Fofa, Fofa + "[Fofa(Run = \"afp\", PromptStages = new[] { 4, 4 })]", "PromptStages = new[] { 4, 4 }" },
        { "FOFA013", Fofa, Fofa + "[Fofa(Run = \"n196\", Queries = 196)]", "Queries = 196" },
        { "FOFA018", "Depth = 6, Heads = 3)]", "Depth = 6, Heads = 3, Classes = 1000)]", "Classes = 1000" },
        { "FOFA018", "BaseWidth = 16)]", "BaseWidth = 16, InputChannels = 3)]", "InputChannels = 3" },
        { "FOFA019", Tapped, TappedWith("nameof(TapNet.layer2)", "\"layer9\""), "\"layer9\"" },
        { "FOFA019", Tapped, TappedWith("nameof(TapNet.layer2)", "nameof(TapNet.width)"), "nameof(TapNet.width)" },
        { "FOFA020", Tapped, TappedWith("nameof(TapNet.layer2)", "nameof(TapNet.layer1)"), "nameof(TapNet.layer1)" },
        { "FOFA020", Tapped, TappedWith("ModelRole.Student, 2,", "ModelRole.Student, 1,"), "1" },
        { "FOFA021", Tapped, TappedWith("[Tap(ModelRole.Student, 4, nameof(TapNet.layer4), Channels = 128, Stride = 8)]", ""), "typeof(TapNet)" },
        { "FOFA021", Fofa, Fofa + "[Tap(ModelRole.Teacher, 1, \"blocks\", Channels = 96, Stride = 4)]", "Tap(ModelRole.Teacher, 1, \"blocks\", Channels = 96, Stride = 4)" },
        { "FOFA014", Tapped, TappedWith("[Student(typeof(TapNet))]", "[Student(typeof(System.Text.StringBuilder))]"), "typeof(System.Text.StringBuilder)" },
        { "FOFA022", "[Teacher(Architecture.DeiTTiny, PatchSize = 4, EmbedDim = 96, Depth = 6, Heads = 3)]|public partial class Quickstart;",
            "[Teacher(typeof(TapNet))]\n" + CustomModels.TapNetStudentTaps.Replace("ModelRole.Student", "ModelRole.Teacher") + "|public partial class Quickstart; " + CustomModels.TapNet,
            "Fofa(Queries = 64, TokenWidth = 128, Heads = 4)" },
        { "FOFA024", Tapped, ConvTappedWith("layer1), Channels = 16", "layer1), Channels = 8"), "Channels = 8" },
        { "FOFA024", Tapped, ConvTappedWith("layer2), Channels = 32", "layer2), Channels = 64"), "Channels = 64" },
        { "FOFA024", Tapped, ConvTappedWith("layer3), Channels = 64", "layer3), Channels = 32"), "Channels = 32" },
        { "FOFA024", BareTapped, BareTappedWith("layer3), Channels = 64", "layer3), Channels = 32"), "Channels = 32" },
        { "FOFA024", BareTapped, BareTappedWith("layer4), Channels = 96", "layer4), Channels = 64"), "Channels = 64" },
        { "FOFA025", Fofa, Fofa + "[Dkd(WarmupEpochs = 5)]", "WarmupEpochs = 5" },
        { "FOFA023", "[LossWeights(CrossEntropy = 1|" + Fofa, "[LossWeights(CrossEntropy = 0|" + Fofa + "[Kd(Weight = 0)]", "Kd(Weight = 0)" },
    };

    private const string Fofa = "[Fofa(Queries = 64, TokenWidth = 128, Heads = 4)]";

    /// <summary>The quickstart with a tapped TapNet student (replacement keys for <see cref="Experiments.QuickstartWith"/>).</summary>
    private const string Tapped = "[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16)]|public partial class Quickstart;";

    private static string TappedWith(string original, string replacement)
    {
        var source = "[Student(typeof(TapNet))]\n" + CustomModels.TapNetStudentTaps + "|public partial class Quickstart; " + CustomModels.TapNet;
        if (original.Length > 0) source = source.Replace(original, replacement);
        return source;
    }

    /// <summary>The quickstart with a tapped BareNnTapNet student, written under "using static TorchSharp.torch.nn".</summary>
    private const string BareTapped = "using FofaDsl.Backbones;|" + Tapped;

    private static string BareTappedWith(string original, string replacement) =>
        "using FofaDsl.Backbones;\n" + CustomModels.UsingStaticNn + "|[Student(typeof(BareNnTapNet))]\n"
        + (original.Length > 0 ? CustomModels.BareNnTapNetStudentTaps.Replace(original, replacement) : CustomModels.BareNnTapNetStudentTaps)
        + "|public partial class Quickstart; " + CustomModels.BareNnTapNet;

    private static string ConvTappedWith(string original, string replacement) =>
        "[Student(typeof(ConvTapNet))]\n" + (original.Length > 0 ? CustomModels.ConvTapNetStudentTaps.Replace(original, replacement) : CustomModels.ConvTapNetStudentTaps) + "|public partial class Quickstart; " + CustomModels.ConvTapNet;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Diagnostic_points_at_the_offending_declaration(string id, string original, string replacement, string expectedLocationText)
    {
        var source = Experiments.QuickstartWith(original, replacement);
        var (_, diagnostics, _) = GeneratorHarness.Run(source);

        var diagnostic = diagnostics.FirstOrDefault(d => d.Id == id);
        Assert.True(diagnostic is not null, $"{id} not reported; got: {string.Join("; ", diagnostics)}");
        // Cached diagnostics carry a file location (path + span), not a syntax tree: read the span from the source.
        Assert.Equal("Experiment0.cs", diagnostic.Location.GetLineSpan().Path);
        var span = diagnostic.Location.SourceSpan;
        Assert.Equal(expectedLocationText, source.Substring(span.Start, span.Length));
        Assert.False(string.IsNullOrWhiteSpace(diagnostic.Descriptor.Description.ToString()));
    }

    /// <summary>Diagnostics about the project rather than a declaration: id, the project's C# version, the text pointed at.</summary>
    public static TheoryData<string, LanguageVersion, string> ProjectCases => new()
    {
        { "FOFA026", LanguageVersion.CSharp11, "Experiment(Seed = 7)" },
        { "FOFA026", LanguageVersion.CSharp9, "Experiment(Seed = 7)" },
    };

    [Theory]
    [MemberData(nameof(ProjectCases))]
    public void Project_diagnostic_points_at_the_experiment_and_suppresses_generation(string id, LanguageVersion version, string expectedLocationText)
    {
        var source = Experiments.Quickstart;
        var (sources, diagnostics, _) = GeneratorHarness.Run(version, source);

        var diagnostic = Assert.Single(diagnostics, d => d.Id == id);
        var span = diagnostic.Location.SourceSpan;
        Assert.Equal(expectedLocationText, source.Substring(span.Start, span.Length));
        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"compiled as C# {(int)version / 100},", message);
        Assert.Contains("needs C# 12 or later", message);
        Assert.Empty(sources);
    }

    [Fact]
    public void The_oldest_supported_CSharp_reports_no_version_error()
    {
        var (sources, diagnostics, _) = GeneratorHarness.Run(LanguageVersion.CSharp12, Experiments.Quickstart);
        Assert.Empty(diagnostics);
        Assert.Single(sources);
    }

    public static TheoryData<string, string> NearMisses => new()
    {
        { "Queries = 64", "Queries = 36" },
        { "Queries = 64", "Queries = 16" },
        { "Heads = 4)]", "Heads = 4, PromptStages = new[] { 1, 4 })]" },
        { "Heads = 4)]", "Heads = 4, FeatureWeight = 0, FeatureWarmupEpochs = 0)]" },
        { "Heads = 4)]", "Heads = 4, FeatureWeight = 0.1, FeatureWarmupEpochs = 3)]" },
        { "Heads = 4)]", "Heads = 4, RecomputeTeacher = false)]" },
        { "TokenWidth = 128, Heads = 4", "TokenWidth = 128, Heads = 8" },
        { "PatchSize = 4", "PatchSize = 7" },
        { "Depth = 6", "Depth = 4" },
        { "[Data(DatasetKind.FashionMnist)]", "[Data(DatasetKind.ImageFolder, Path = \"/data/imagenet-100\", Classes = 100, ImageSize = 28)]" },
        { "[Data(DatasetKind.FashionMnist)]", "[Data(DatasetKind.Cifar100, Path = \"/data/cifar\", ImageSize = 28)]" },
        { "[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16)]", "[Student(Architecture.MixerB16, PatchSize = 7, EmbedDim = 32, Depth = 4)]" },
        { "[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16)]|public partial class Quickstart;",
            "[Student(typeof(TinyNet))]|public partial class Quickstart; " + CustomModels.TinyNet },
        { "Temperature = 1", "Temperature = 0.5" },
        { "LogitKd = 1", "LogitKd = 0" },
        { "WarmupEpochs = 1", "WarmupEpochs = 3" },
        { "WarmupEpochs = 1", "WarmupEpochs = 1, EmaDecay = 0.9998, GradientClip = 5, Decay = LearningRateDecay.Step, DecayEveryEpochs = 2" },
        { "[Data(DatasetKind.FashionMnist)]", "[Data(DatasetKind.FashionMnist, ImageSize = 32)]" },
        { "[Teacher(Architecture.DeiTTiny, PatchSize = 4, EmbedDim = 96, Depth = 6, Heads = 3)]|" + Fofa, "|[Scratch]" },
        { Fofa, Fofa + "[Kd(Temperature = 4), Kd(Run = \"kd-t1\"), FitNet(Run = \"kd-t1\", Stages = new[] { 4 }), Crd(Momentum = 0.9), Rkd(DistanceWeight = 0)]" },
        { "[Experiment(Seed = 7)]", "[Experiment(Seed = 7, Device = \"cuda:1\", Output = \"/tmp/out\", CheckpointEverySteps = 100)]" },
        { "Depth = 6, Heads = 3)]|BaseWidth = 16)]", "Depth = 6, Heads = 3, Classes = 10)]|BaseWidth = 16, InputChannels = 1)]" },
        { Tapped, TappedWith("", "") },
        { "[Teacher(Architecture.DeiTTiny, PatchSize = 4, EmbedDim = 96, Depth = 6, Heads = 3)]|public partial class Quickstart;|" + Fofa,
            "[Teacher(typeof(TapNet))]\n" + CustomModels.TapNetStudentTaps.Replace("ModelRole.Student", "ModelRole.Teacher") + "|public partial class Quickstart; " + CustomModels.TapNet
            + "|[Fofa(Queries = 64, TokenWidth = 128, Heads = 4, Prompts = false)]" },
        { "[LossWeights(CrossEntropy = 1|" + Fofa, "[LossWeights(CrossEntropy = 0|" + Fofa + "[Kd(Weight = 0.5)]" },
        // Channels built from a constructor parameter are the code's business at run time, not the generator's.
        { Fofa, Fofa + "[Dkd(WarmupEpochs = 4)]" },
        { Tapped, ConvTappedWith("", "") },
        { BareTapped, BareTappedWith("", "") },
        { Tapped, ConvTappedWith("layer4), Channels = 112", "layer4), Channels = 5") },
        { Fofa, Fofa + "[Fofa(Run = \"no-raa\", RegionAwareAttention = false), Fofa(Run = \"n16\", Queries = 16, PromptStages = new[] { 4 })]" },
        // FOFA is a term like the others: a run may combine it with KD (replacing the declared loss weights' KD) and FitNet.
        { Fofa, Fofa + "[Kd(Run = \"fofa\", Temperature = 4)]" },
        { Fofa, Fofa + "[Kd(Run = \"mix\", Temperature = 4), Fofa(Run = \"mix\", Queries = 16), FitNet(Run = \"mix\", Stages = new[] { 4 })]" },
    };

    [Theory]
    [MemberData(nameof(NearMisses))]
    public void A_valid_neighbour_value_reports_nothing(string original, string replacement)
    {
        var (sources, diagnostics, _) = GeneratorHarness.Run(Experiments.QuickstartWith(original, replacement));
        Assert.Empty(diagnostics);
        Assert.Single(sources);
    }

    [Fact]
    public void Errors_suppress_generation_but_warnings_do_not()
    {
        Assert.Empty(GeneratorHarness.Run(Experiments.QuickstartWith("Queries = 64", "Queries = 50")).Sources);
        var (sources, diagnostics, _) = GeneratorHarness.Run(Experiments.QuickstartWith("Queries = 64", "Queries = 196"));
        Assert.All(diagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.Single(sources);
    }

    [Fact]
    public void Queries_message_suggests_the_nearest_valid_value()
    {
        var (_, diagnostics, _) = GeneratorHarness.Run(Experiments.QuickstartWith("Queries = 64", "Queries = 60"));
        var message = diagnostics.Single(d => d.Id == "FOFA004").GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("N/4 = 15", message);
        Assert.Contains("use 64", message);
    }
}
