using System.Reflection;
using FofaDsl.Backbones;
using FofaDsl.Generators.Model;
using FofaDsl.Generators.Parsing;
using FofaDsl.Stages;
using Microsoft.CodeAnalysis;

namespace FofaDsl.Generators.Tests;

/// <summary>
/// The generator reads a model's [StageGeometry] from its symbol and evaluates it without running
/// anything; the runtime evaluates the same attribute by reflection (and FofaDsl.Tests checks that
/// against the real models). These tests check that both evaluations agree.
/// </summary>
public sealed class StageShapeParityTests
{
    private static readonly Compilation Compilation = GeneratorHarness.Compile("");

    public static TheoryData<Type, int, int, int, int> Cases => new()
    {
        // model type, image size, width knob, patch knob, stride divisor
        { typeof(ResNet), 224, 0, 0, 1 },
        { typeof(ResNet), 33, 4, 0, 1 },
        { typeof(ResNet), 28, 16, 0, 4 },
        { typeof(VisionTransformer), 224, 384, 16, 1 },
        { typeof(VisionTransformer), 28, 96, 7, 1 },
        { typeof(MobileNetV2), 33, 0, 0, 1 },
        { typeof(ConvNeXt), 64, 8, 0, 1 },
        { typeof(SwinTransformer), 224, 48, 4, 1 },
        { typeof(SwinTransformer), 32, 16, 2, 1 },
        { typeof(MlpMixer), 32, 16, 8, 1 },
        { typeof(ResMlp), 224, 0, 0, 1 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generator_and_runtime_evaluate_a_declaration_alike(Type model, int size, int width, int patch, int divisor)
    {
        var symbol = Compilation.GetTypeByMetadataName(model.FullName!);
        Assert.NotNull(symbol);
        var declaration = StageShapes.Read(symbol);
        Assert.NotNull(declaration);
        Assert.Null(StageShapes.Problem(declaration));

        var runtime = model.GetCustomAttribute<StageGeometryAttribute>()!;
        var (stem, stages) = StageShapes.Evaluate(declaration, size, width, patch, divisor);
        Assert.Equal(runtime.StemAt(size, width, patch, divisor), ToRuntime(stem));
        Assert.Equal(runtime.StagesAt(size, width, patch, divisor), stages.Select(ToRuntime));
    }

    [Fact]
    public void Every_architecture_names_a_runtime_type_with_a_declaration()
    {
        foreach (var info in ArchitectureCatalog.All(Compilation))
        {
            var symbol = Compilation.GetTypeByMetadataName(info.RuntimeMetadataName);
            Assert.True(symbol is not null && StageShapes.Read(symbol) is not null, $"{info.Name}: {info.RuntimeMetadataName}");
        }
    }

    private static StageGeometry ToRuntime(StageShape shape) =>
        new(shape.IsTokens ? StageLayout.Tokens : StageLayout.Spatial, shape.Channels, shape.Height, shape.Width, shape.HasClassToken);
}
