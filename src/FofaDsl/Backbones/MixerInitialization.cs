using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>timm's weight initialisation of its Mixer family (<c>_init_weights</c>, non-Flax variant).</summary>
internal static class MixerInitialization
{
    // Standard deviation of a unit normal truncated to [-2, 2]; LeCun normal divides by it so
    // the truncated samples keep variance 1 / fan_in.
    private const double TruncatedUnitNormalStd = 0.87962566103423978;

    /// <summary>
    /// Linear: Xavier-uniform weights, biases ~N(0, 1e-6) inside MLPs and zero elsewhere; the
    /// <c>head</c> starts at zero. Patch convolution: LeCun normal, zero bias. LayerNorm: 1 and 0.
    /// </summary>
    public static void Apply(nn.Module model)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, module) in model.named_modules())
        {
            switch (module)
            {
                case Linear linear when name.StartsWith("head", StringComparison.Ordinal):
                    nn.init.zeros_(linear.weight);
                    if (linear.bias is not null) nn.init.zeros_(linear.bias);
                    break;
                case Linear linear:
                    nn.init.xavier_uniform_(linear.weight);
                    if (linear.bias is not null)
                    {
                        // timm's tiny noise on MLP biases; other linears (ResMLP's linear_tokens) get zero.
                        if (name.Contains("mlp", StringComparison.Ordinal)) nn.init.normal_(linear.bias, 0.0, 1e-6);
                        else nn.init.zeros_(linear.bias);
                    }
                    break;
                case Conv2d conv:
                    var weight = conv.weight!;
                    var fanIn = weight.shape[1] * weight.shape[2] * weight.shape[3];
                    // As timm's trunc_normal_tf_: cut at two standard deviations, so the final std is sqrt(1 / fan_in).
                    var std = Math.Sqrt(1.0 / fanIn) / TruncatedUnitNormalStd;
                    TruncatedNormal.Fill(weight, std: std, a: -2 * std, b: 2 * std);
                    if (conv.bias is not null) nn.init.zeros_(conv.bias);
                    break;
                case LayerNorm layerNorm:
                    nn.init.ones_(layerNorm.weight);
                    nn.init.zeros_(layerNorm.bias);
                    break;
            }
        }
    }
}
