using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// torchvision's ResNet basic block: two 3x3 convolutions with batch norm and a residual
/// connection, projected by <c>downsample</c> (1x1 convolution + batch norm) when the stride or
/// width changes. Parameter names match torchvision's.
/// </summary>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;

    /// <summary>Creates a block from <paramref name="inChannels"/> to <paramref name="outChannels"/>; the first convolution has stride <paramref name="stride"/>.</summary>
    public BasicBlock(int inChannels, int outChannels, int stride) : base(nameof(BasicBlock))
    {
        conv1 = nn.Conv2d(inChannels, outChannels, kernel_size: 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(outChannels);
        conv2 = nn.Conv2d(outChannels, outChannels, kernel_size: 3, stride: 1, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(outChannels);
        if (stride != 1 || inChannels != outChannels)
        {
            downsample = nn.Sequential(
                nn.Conv2d(inChannels, outChannels, kernel_size: 1, stride: stride, bias: false),
                nn.BatchNorm2d(outChannels));
        }
        RegisterComponents();
    }

    /// <summary>Whether the shortcut is projected (stride or width change).</summary>
    public bool HasDownsample => downsample is not null;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(bn1.call(conv1.call(input)));
        x = bn2.call(conv2.call(x));
        var identity = downsample is null ? input : downsample.call(input);
        return nn.functional.relu(x + identity).MoveToOuterDisposeScope();
    }
}
