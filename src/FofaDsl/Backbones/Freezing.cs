using TorchSharp;

namespace FofaDsl.Backbones;

/// <summary>Freezing a teacher: no parameter takes gradients and normalisation layers stay in inference mode.</summary>
public static class Freezing
{
    /// <summary>Sets <c>requires_grad = false</c> on every parameter and switches the module to eval mode.</summary>
    public static void Freeze(torch.nn.Module module)
    {
        foreach (var parameter in module.parameters()) parameter.requires_grad = false;
        module.eval();
    }
}
