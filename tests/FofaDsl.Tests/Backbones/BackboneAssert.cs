using FofaDsl.Backbones;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Backbones;

/// <summary>Checks shared by the backbone tests.</summary>
internal static class BackboneAssert
{
    /// <summary>Runs the backbone and compares every real shape with its declared geometry.</summary>
    public static void RealShapesMatchGeometry(StagedBackbone model, Tensor images, int classes)
    {
        using var scope = NewDisposeScope();
        var batch = images.shape[0];
        Assert.Equal(model.StemGeometry.ShapeFor(batch), model.ForwardStem(images).shape);
        var (logits, stages) = model.ForwardWithStages(images);
        Assert.Equal(4, stages.Length);
        for (var i = 0; i < 4; i++) Assert.Equal(model.StageGeometries[i].ShapeFor(batch), stages[i].shape);
        Assert.Equal([batch, (long)classes], logits.shape);
    }

    /// <summary>Backpropagates the sum of the logits of <paramref name="images"/> and asserts each named parameter gets a non-zero gradient.</summary>
    public static void GradientReaches(StagedBackbone model, Tensor images, params string[] parameterNames)
    {
        using var scope = NewDisposeScope();
        model.call(images).sum().backward();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var name in parameterNames)
        {
            var grad = parameters[name].grad;
            Assert.NotNull(grad);
            Assert.True(grad!.abs().sum().item<float>() > 0f, name);
        }
    }

    /// <summary>Total number of parameter elements, trainable or not.</summary>
    public static long ParameterCount(StagedBackbone model) => model.parameters().Sum(p => p.numel());
}
