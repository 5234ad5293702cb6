using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Methods;

/// <summary>Weight initialisation of FOFA's projection layers (spec section 3, as in the reference code).</summary>
internal static class FofaInit
{
    /// <summary>Kaiming-normal (fan-out, ReLU gain) weights, zero bias.</summary>
    public static void Conv(Conv2d conv)
    {
        using var _ = no_grad();
        nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
        if (conv.bias is not null) nn.init.zeros_(conv.bias);
    }

    /// <summary>Kaiming-normal (fan-out, ReLU gain) weights, zero bias.</summary>
    public static void Conv(GemmConv2d conv)
    {
        using var _ = no_grad();
        nn.init.kaiming_normal_(conv.Weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
        if (conv.Bias is not null) nn.init.zeros_(conv.Bias);
    }

    /// <summary>Truncated-normal weights with std 0.02, zero bias.</summary>
    public static void Linear(Linear linear)
    {
        using var _ = no_grad();
        // TorchSharp 0.107's trunc_normal_ does not sample (see TruncatedNormal).
        Backbones.TruncatedNormal.Fill(linear.weight, std: 0.02);
        if (linear.bias is not null) nn.init.zeros_(linear.bias);
    }
}
