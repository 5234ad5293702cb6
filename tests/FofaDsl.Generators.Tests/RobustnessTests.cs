using CsCheck;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FofaDsl.Generators.Tests;

/// <summary>
/// The generator never throws: thousands of randomly mutated declarations (deleted tokens, random
/// numbers, wrong types, duplicated tokens) produce diagnostics, never a generator exception or the
/// FOFA999 catch-all.
/// </summary>
public sealed class RobustnessTests
{
    private static readonly string[] Sources =
    [
        Experiments.Quickstart, Experiments.ResNetToVit, Experiments.ConvNeXtToDeiT, Experiments.AllMethods, Experiments.Ablation,
        Experiments.TappedStudent, Experiments.ConvTappedStudent,
    ];

    private static readonly string[] Replacements =
    [
        "null", "\"text\"", "typeof(string)", "typeof(int[])", "new[] { 9, -1 }", "new int[0]", "double.NaN", "double.PositiveInfinity",
        "-1", "0", "int.MaxValue", "(Architecture)99", "Architecture.SwinPico", "Architecture.MobileNetV2", "ResNetStem.Cifar",
        "OptimizerKind.Sgd", "1e308", "true", ",", ")", "[", "partial", "static", "Queries = 4", "PatchSize = 3",
        "Run = \"fofa\"", "nameof(ConvTapNet.layer2)", "TorchSharp.torch.nn.Sequential()", "TorchSharp.torch.nn.Conv2d(1, 2L, 3)", "(\"x\", null)",
    ];

    private static readonly Gen<string> Mutated =
        from source in Gen.Int[0, Sources.Length - 1]
        from count in Gen.Int[1, 3]
        from edits in Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, 3], Gen.Int[-100_000, 100_000], Gen.Int[0, Replacements.Length - 1]).Array[count]
        select Mutate(Sources[source], edits);

    [Fact]
    public void Mutated_declarations_never_make_the_generator_throw()
    {
        Mutated.Sample(source =>
        {
            var (_, diagnostics, _) = GeneratorHarness.Run(source); // asserts the run reported no exception
            Assert.DoesNotContain(diagnostics, d => d.Id == "FOFA999");
        }, iter: 2000, threads: 1);
    }

    private static string Mutate(string source, (int Token, int Kind, int Number, int Replacement)[] edits)
    {
        foreach (var (token, kind, number, replacement) in edits)
        {
            var tokens = CSharpSyntaxTree.ParseText(source).GetRoot().DescendantTokens().Where(t => !t.IsKind(SyntaxKind.EndOfFileToken)).ToArray();
            if (tokens.Length == 0) break;
            var span = tokens[token % tokens.Length].Span;
            var text = kind switch
            {
                0 => "",
                1 => number.ToString(System.Globalization.CultureInfo.InvariantCulture),
                2 => Replacements[replacement],
                _ => source.Substring(span.Start, span.Length) + " " + source.Substring(span.Start, span.Length),
            };
            source = source[..span.Start] + text + source[span.End..];
        }
        return source;
    }
}
