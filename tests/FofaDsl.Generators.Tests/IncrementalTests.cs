using System.Collections;
using System.Reflection;
using FofaDsl.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FofaDsl.Generators.Tests;

/// <summary>The pipeline caches: unrelated edits reuse every step; an attribute edit re-runs them.</summary>
public sealed class IncrementalTests
{
    private const string Unrelated = "namespace Samples; public static class Helper { public static int Answer => 42; }";

    [Fact]
    public void An_unrelated_edit_leaves_every_step_cached_or_unchanged()
    {
        var compilation = GeneratorHarness.Compile(Experiments.Quickstart, Unrelated);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var helperTree = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(helperTree,
            CSharpSyntaxTree.ParseText(Unrelated.Replace("42", "43"), (CSharpParseOptions)helperTree.Options, helperTree.FilePath));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (var step in new[] { ExperimentGenerator.Steps.Experiments, ExperimentGenerator.Steps.Models })
            Assert.All(result.TrackedSteps[step].SelectMany(s => s.Outputs), o => Assert.Contains(o.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
        // A clean experiment sends nothing down the diagnostics branch (only experiments with diagnostics read the compilation).
        if (result.TrackedSteps.TryGetValue(ExperimentGenerator.Steps.Diagnostics, out var diagnostics))
            Assert.Empty(diagnostics.SelectMany(s => s.Outputs));
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void After_an_unrelated_edit_a_warning_is_reported_again_in_the_current_syntax_tree()
    {
        var source = Experiments.QuickstartWith("[Fofa(Queries = 64, TokenWidth = 128, Heads = 4)]", "[Fofa(Queries = 64, TokenWidth = 128, Heads = 4)][Dkd(WarmupEpochs = 5)]");
        var compilation = GeneratorHarness.Compile(source, Unrelated);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var helperTree = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(helperTree,
            CSharpSyntaxTree.ParseText(Unrelated.Replace("42", "43"), (CSharpParseOptions)helperTree.Options, helperTree.FilePath));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        // The model is cached; only the experiment that has a diagnostic re-resolves its location in the new compilation.
        Assert.All(result.TrackedSteps[ExperimentGenerator.Steps.Models].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        var warning = Assert.Single(result.Diagnostics, d => d.Id == "FOFA025");
        Assert.Contains(warning.Location.SourceTree, edited.SyntaxTrees);
    }

    [Fact]
    public void Editing_an_attribute_argument_modifies_the_model()
    {
        var compilation = GeneratorHarness.Compile(Experiments.Quickstart);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        var edited = compilation.ReplaceSyntaxTree(tree,
            CSharpSyntaxTree.ParseText(Experiments.Quickstart.Replace("Epochs = 4", "Epochs = 5"), (CSharpParseOptions)tree.Options, tree.FilePath));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[ExperimentGenerator.Steps.Models].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void Changing_the_projects_language_version_is_checked_again()
    {
        // As an IDE does when LangVersion is edited: the same driver, every tree reparsed with the new options.
        static Compilation As(Compilation compilation, CSharpParseOptions options) =>
            compilation.SyntaxTrees.Aggregate(compilation, (c, tree) => c.ReplaceSyntaxTree(tree, tree.WithRootAndOptions(tree.GetRoot(), options)));
        var latest = new CSharpParseOptions(LanguageVersion.Latest);
        var csharp11 = new CSharpParseOptions(LanguageVersion.CSharp11);
        var compilation = GeneratorHarness.Compile(Experiments.Quickstart);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        Assert.Single(driver.GetRunResult().GeneratedTrees);

        driver = driver.WithUpdatedParseOptions(csharp11).RunGenerators(As(compilation, csharp11));
        Assert.Equal("FOFA026", Assert.Single(driver.GetRunResult().Diagnostics).Id);
        Assert.Empty(driver.GetRunResult().GeneratedTrees);

        driver = driver.WithUpdatedParseOptions(latest).RunGenerators(As(compilation, latest));
        Assert.Empty(driver.GetRunResult().Diagnostics);
        Assert.Single(driver.GetRunResult().GeneratedTrees);
    }

    [Fact]
    public void Editing_a_tapped_models_code_in_another_file_is_checked_again()
    {
        // The experiment and its tapped model live in two files; only the model's file is edited.
        var experiment = Experiments.ConvTappedStudent.Replace(CustomModels.ConvTapNet, "");
        var model = GeneratorHarness.Usings + CustomModels.ConvTapNet;
        var compilation = GeneratorHarness.Compile(experiment, model);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        Assert.Empty(driver.GetRunResult().Diagnostics);

        var modelTree = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(modelTree, CSharpSyntaxTree.ParseText(
            model.Replace("Conv2d(32, 64, 3", "Conv2d(32, 96, 3"), (CSharpParseOptions)modelTree.Options, modelTree.FilePath));
        var result = driver.RunGenerators(edited).GetRunResult();

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("FOFA024", diagnostic.Id);
        Assert.Contains("outputs 96 channels", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(result.GeneratedTrees);
    }

    [Fact]
    public void Pipeline_models_hold_no_symbols_syntax_or_compilations()
    {
        var forbidden = new[] { typeof(ISymbol), typeof(SyntaxNode), typeof(Compilation), typeof(SemanticModel), typeof(SyntaxTree), typeof(Location) };
        var visited = new HashSet<Type>();
        var pending = new Stack<Type>([typeof(ParseResult)]);
        while (pending.Count > 0)
        {
            var type = pending.Pop();
            if (!visited.Add(type) || type.IsPrimitive || type == typeof(string) || type.IsEnum) continue;
            Assert.DoesNotContain(forbidden, f => f.IsAssignableFrom(type));
            if (type == typeof(DiagnosticDescriptor)) continue; // immutable, static catalog entries
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                var fieldType = field.FieldType;
                pending.Push(fieldType);
                foreach (var argument in fieldType.IsGenericType ? fieldType.GetGenericArguments() : []) pending.Push(argument);
            }
        }
        Assert.Contains(typeof(ExperimentSpec), visited);
        Assert.Contains(typeof(LocationInfo), visited);
    }
}
