using FofaDsl.Backbones;
using NetArchTest.Rules;

namespace FofaDsl.Tests;

/// <summary>
/// The layers of FofaDsl only point down, from the foundation (platform, stage shapes, weights files, data) through the
/// backbones and the distillation methods to training and then hosting, with reporting beside training. A type that
/// reaches up fails here, naming itself.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly string[] Foundation = ["FofaDsl.Platform", "FofaDsl.Stages", "FofaDsl.Weights", "FofaDsl.Data", "FofaDsl.Augmentation", "FofaDsl.Distributed"];
    private const string Backbones = "FofaDsl.Backbones";
    private const string Methods = "FofaDsl.Methods";
    private const string Training = "FofaDsl.Training";
    private const string Reporting = "FofaDsl.Reporting";
    private const string Hosting = "FofaDsl.Hosting";

    public static TheoryData<string, string[]> Layers => new()
    {
        // layer, the namespaces above it that it must not use
        { "FofaDsl.Platform", [Backbones, Methods, Training, Reporting, Hosting] },
        { "FofaDsl.Stages", [Backbones, Methods, Training, Reporting, Hosting] },
        { "FofaDsl.Weights", [Backbones, Methods, Training, Reporting, Hosting] },
        { "FofaDsl.Data", [Backbones, Methods, Training, Reporting, Hosting] },
        { "FofaDsl.Augmentation", [Backbones, Methods, Training, Reporting, Hosting] },
        { "FofaDsl.Distributed", [Backbones, Methods, Training, Reporting, Hosting] },
        { Backbones, [Methods, Training, Reporting, Hosting] },
        { Methods, [Training, Reporting, Hosting] },
        { Training, [Reporting, Hosting] },
        { Reporting, [Hosting] },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void A_layer_uses_nothing_above_it(string layer, string[] above)
    {
        var result = Types.InAssembly(typeof(StagedBackbone).Assembly)
            .That().ResideInNamespace(layer)
            .ShouldNot().HaveDependencyOnAny(above)
            .GetResult();

        Assert.True(result.IsSuccessful, $"{layer} uses {string.Join(" or ", above)} in: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void Each_method_lives_in_its_own_namespace_and_uses_no_other_method()
    {
        var methods = Types.InAssembly(typeof(StagedBackbone).Assembly).That().ResideInNamespace(Methods).GetTypes()
            .Select(t => t.Namespace!).Where(n => n != Methods).Distinct().Order().ToList();
        Assert.Equal(["FofaDsl.Methods.Cc", "FofaDsl.Methods.Crd", "FofaDsl.Methods.Dist", "FofaDsl.Methods.Dkd", "FofaDsl.Methods.FitNet",
                      "FofaDsl.Methods.Fofa", "FofaDsl.Methods.Kd", "FofaDsl.Methods.Ofa", "FofaDsl.Methods.Rkd"], methods);
        foreach (var method in methods)
        {
            var result = Types.InAssembly(typeof(StagedBackbone).Assembly).That().ResideInNamespace(method)
                .ShouldNot().HaveDependencyOnAny(methods.Where(m => m != method).ToArray()).GetResult();
            Assert.True(result.IsSuccessful, $"{method} uses another method in: {string.Join(", ", result.FailingTypeNames ?? [])}");
        }
    }
}
