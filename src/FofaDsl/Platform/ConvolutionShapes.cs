using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Platform;

/// <summary>Finds the convolution shapes a set of modules really runs, by watching them during one forward pass.</summary>
public static class ConvolutionShapes
{
    /// <summary>
    /// Runs <paramref name="forward"/> with a hook on every convolution layer inside <paramref name="modules"/> and returns
    /// the distinct shapes they ran, in first-seen order. Transposed convolutions are left out (none of FofaDsl's models has one).
    /// </summary>
    public static IReadOnlyList<ConvolutionShape> Record(IEnumerable<nn.Module> modules, Action forward)
    {
        var seen = new List<ConvolutionShape>();
        var layers = modules.SelectMany(m => m.modules()).OfType<Convolution>().Where(c => !c.transposed).Distinct(ReferenceEqualityComparer.Instance).Cast<Convolution>().ToList();
        var hooks = layers.Select(layer => layer.register_forward_hook((_, input, _) =>
        {
            var shape = ConvolutionShape.Of(layer, input.shape);
            if (!seen.Contains(shape)) seen.Add(shape);
            return null!;
        })).ToList();
        // Modules that run ATen's convolution kernel without being a Convolution (GemmConv2d's overlapping kernels).
        var shaped = modules.SelectMany(m => m.modules()).OfType<IConvolutionShaped>().Distinct(ReferenceEqualityComparer.Instance)
            .Cast<IConvolutionShaped>().OfType<nn.Module<Tensor, Tensor>>().ToList();
        hooks.AddRange(shaped.Select(module => module.register_forward_hook((_, input, _) =>
        {
            if (((IConvolutionShaped)module).ConvolutionShapeFor(input.shape) is { } shape && !seen.Contains(shape)) seen.Add(shape);
            return null!;
        })));
        try
        {
            forward();
        }
        finally
        {
            foreach (var hook in hooks) hook.remove();
        }
        return seen;
    }
}
