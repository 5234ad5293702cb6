using FofaDsl.Backbones;
using FofaDsl.Hosting;
using FofaDsl.Platform;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Platform;

/// <summary>Every convolution shape the nine presets, the quickstart pair and FOFA's modules really run is right in float32.</summary>
[Collection(TorchCollection.Name)]
public sealed class ExperimentConvolutionTests
{
    public static TheoryData<string> Presets => new(ModelZoo.Presets.Select(p => p.Name));

    [Theory]
    [MemberData(nameof(Presets))]
    public void Every_convolution_of_a_preset_at_224_is_right(string preset)
    {
        using var model = ModelZoo.Create(preset, numClasses: 10);
        using var scope = NewDisposeScope();
        var images = randn(1, 3, 224, 224);
        var shapes = ConvolutionShapes.Record([model], () => { using var _ = no_grad(); model.call(images); });

        // Every preset has a convolution stem (or patch embedding), and each layer was seen at its real input size.
        Assert.NotEmpty(shapes);
        Assert.Contains(shapes, s => s.InChannels == 3 && s.Input.SequenceEqual([224, 224]));
        AssertAllRight(ConvolutionProbe.Check(shapes));
    }

    [Fact]
    public void Every_convolution_of_the_quickstart_pair_and_every_method_is_right()
    {
        var shapes = SelfCheck.ExperimentShapes(QuickstartPairWithEveryMethod.Definition, QuickstartPairWithEveryMethod.Definition.Methods);

        // The CIFAR stem of the ResNet18 student (1 -> 8 channels at 28x28), the ViT teacher's 7x7 patch embedding,
        // FitNet's 1x1 regressor, OFA's branches and FOFA's 5x5 fusion convolutions among them.
        Assert.Contains(ConvolutionShape.Square(1, 8, 3, 1, 28), shapes);
        Assert.Contains(shapes, s => s.InChannels == 1 && s.OutChannels == 96 && s.Kernel.SequenceEqual([7, 7]));
        Assert.Contains(shapes, s => s.Kernel.SequenceEqual([5, 5]) && s.Groups == 1); // FOFA's fusion (from the second step)
        Assert.True(shapes.Count >= 20, $"only {shapes.Count} shapes: {string.Join("; ", shapes)}");
        AssertAllRight(ConvolutionProbe.Check(shapes));
    }

    [Fact]
    public void Every_convolution_of_fofa_with_a_spatial_teacher_at_224_is_right()
    {
        var definition = ConvNeXtToDeiTAt224.Definition;
        var shapes = SelfCheck.ExperimentShapes(definition, definition.Methods);

        Assert.Contains(shapes, s => s.Kernel.SequenceEqual([7, 7]) && s.Groups == s.InChannels); // ConvNeXt's depthwise convolutions
        Assert.Contains(shapes, s => s.Kernel.SequenceEqual([5, 5]) && s.Groups == 1); // FOFA's fusion
        AssertAllRight(ConvolutionProbe.Check(shapes));
    }

    [Fact]
    public void Recording_does_not_move_the_global_random_stream()
    {
        manual_seed(5);
        var expected = rand(4).data<float>().ToArray();
        manual_seed(5);
        using var output = new StringWriter();
        SelfCheck.Run(QuickstartPairWithEveryMethod.Definition, QuickstartPairWithEveryMethod.Definition.Methods, new RunOptions(), CPU, output);
        var actual = rand(4).data<float>().ToArray();

        Assert.Equal(expected, actual);
        Assert.StartsWith("self-check: ", output.ToString());
    }

    private static void AssertAllRight(ConvolutionCheckReport report)
    {
        Assert.True(report.AllRight, $"{report.Wrong.Count} of {report.Results.Count} shapes wrong on {CpuIdentity.Current}:\n{string.Join("\n", report.Wrong)}");
    }
}
