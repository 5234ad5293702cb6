using BenchmarkDotNet.Attributes;
using Basic.Reference.Assemblies;
using FofaDsl.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FofaDsl.Benchmarks;

/// <summary>
/// Generator time on a project with 100 experiments: a fresh driver (the compilation's own binding is
/// already done, as in an IDE), and a warm driver re-run after an unrelated edit (everything cached).
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private const int ExperimentCount = 100;
    private CSharpCompilation compilation = null!;
    private CSharpCompilation edited = null!;
    private GeneratorDriver warmDriver = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = Enumerable.Range(0, ExperimentCount)
            .Select(i => CSharpSyntaxTree.ParseText(Experiment(i), options, path: $"Experiment{i}.cs"))
            .Append(CSharpSyntaxTree.ParseText("public static class Helper { public static int Answer => 42; }", options, path: "Helper.cs"))
            .ToList();
        compilation = CSharpCompilation.Create("Bench", trees,
            [.. Net100.References.All, MetadataReference.CreateFromFile(typeof(ExperimentAttribute).Assembly.Location), MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var helper = trees[^1];
        edited = compilation.ReplaceSyntaxTree(helper, CSharpSyntaxTree.ParseText("public static class Helper { public static int Answer => 43; }", options, path: "Helper.cs"));
        warmDriver = NewDriver().RunGenerators(compilation);
        var result = warmDriver.GetRunResult().Results.Single();
        if (result.GeneratedSources.Length != ExperimentCount || !result.Diagnostics.IsEmpty)
            throw new InvalidOperationException($"The benchmark project is not what it should be: {result.GeneratedSources.Length} sources, diagnostics: {string.Join("; ", result.Diagnostics)}");
    }

    [Benchmark(Description = "100 experiments, cold")]
    public GeneratorDriver Cold() => NewDriver().RunGenerators(compilation);

    [Benchmark(Description = "100 experiments, unrelated edit")]
    public GeneratorDriver UnrelatedEdit() => warmDriver.RunGenerators(edited);

    private static GeneratorDriver NewDriver() => CSharpGeneratorDriver.Create(new ExperimentGenerator());

    /// <summary>
    /// A mix of what projects declare: zoo pairs with FOFA (every experiment), every second one with the
    /// comparison methods, a combined run and an ablation run, and every fourth one with a user's module
    /// whose tapped members the generator reads from the module's constructor.
    /// </summary>
    private static string Experiment(int index)
    {
        var methods = index % 2 == 1
            ? "[Scratch, Kd(Temperature = 4), Dkd, FitNet(Stages = new[] { 3, 4 }), Kd(Run = \"kd+fitnet\"), FitNet(Run = \"kd+fitnet\")]\n[Fofa(Run = \"no-raa\", Queries = 64, TokenWidth = 128, Heads = 4, RegionAwareAttention = false)]"
            : "";
        var tapped = index % 4 == 3;
        var student = tapped
            ? """
              [Student(typeof(Net))]
              [Tap(ModelRole.Student, 1, nameof(Net.layer1), Channels = 16, Stride = 1)]
              [Tap(ModelRole.Student, 2, nameof(Net.layer2), Channels = 32, Stride = 2)]
              [Tap(ModelRole.Student, 3, nameof(Net.layer3), Channels = 64, Stride = 4)]
              [Tap(ModelRole.Student, 4, nameof(Net.layer4), Channels = 128, Stride = 8)]
              """
            : $"[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = {8 + index % 8})]";
        var model = tapped
            ? """

              public sealed class Net : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>
              {
                  public readonly TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> layer1 = TorchSharp.torch.nn.Conv2d(1, 16, 3, padding: 1);
                  public readonly TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> layer2, layer3, layer4;
                  public Net(int numClasses, int imageSize, int inputChannels) : base(nameof(Net))
                  {
                      layer2 = TorchSharp.torch.nn.Sequential(TorchSharp.torch.nn.Conv2d(16, 32, 3, stride: 2, padding: 1), TorchSharp.torch.nn.BatchNorm2d(32), TorchSharp.torch.nn.ReLU());
                      layer3 = TorchSharp.torch.nn.Conv2d(32, 64, 3, stride: 2, padding: 1);
                      layer4 = TorchSharp.torch.nn.Conv2d(64, 128, 3, stride: 2, padding: 1);
                  }
                  public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor x) => layer4.call(layer3.call(layer2.call(layer1.call(x))));
              }
              """
            : "";
        return $$"""
            using FofaDsl;
            using FofaDsl.Backbones;

            namespace Bench.N{{index}};

            [Experiment(Seed = {{index}})]
            [Teacher(Architecture.{{(index % 2 == 0 ? "VisionTransformer, PatchSize = 4, EmbedDim = 96, Depth = 6, Heads = 3" : "SwinPico, WindowSize = 4")}})]
            {{student}}
            [Fofa(Queries = 64, TokenWidth = 128, Heads = 4)]
            {{methods}}
            [Schedule(Epochs = {{2 + index % 5}}, BatchSize = 64)]
            [Data(DatasetKind.FashionMnist, ImageSize = {{(index % 2 == 0 ? 28 : 32)}})]
            public partial class Experiment{{index}};
            {{model}}
            """;
    }
}
