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

    private static string Experiment(int index) => $$"""
        using FofaDsl;
        using FofaDsl.Backbones;

        namespace Bench.N{{index}};

        [Experiment(Seed = {{index}})]
        [Teacher(Architecture.{{(index % 2 == 0 ? "VisionTransformer, PatchSize = 4, EmbedDim = 96, Depth = 6, Heads = 3" : "SwinPico, WindowSize = 4")}})]
        [Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = {{8 + index % 8}})]
        [Fofa(Queries = 64, TokenWidth = 128, Heads = 4)]
        [Schedule(Epochs = {{2 + index % 5}}, BatchSize = 64)]
        [Data(DatasetKind.FashionMnist, ImageSize = {{(index % 2 == 0 ? 28 : 32)}})]
        public partial class Experiment{{index}};
        """;
}
