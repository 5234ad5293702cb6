using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Generated;

/// <summary>
/// A plain TorchSharp classifier, not a StagedBackbone: four strided convolutions and a linear head.
/// Experiments read its stages through [Tap]s on its convolutions.
/// </summary>
public sealed class TinyTapNet : nn.Module<Tensor, Tensor>
{
    internal readonly nn.Module<Tensor, Tensor> conv1;
    internal readonly nn.Module<Tensor, Tensor> conv2;
    internal readonly nn.Module<Tensor, Tensor> conv3;
    internal readonly nn.Module<Tensor, Tensor> conv4;
    private readonly nn.Module<Tensor, Tensor> head;

    /// <summary>Builds the network for the data's classes and channels.</summary>
    public TinyTapNet(int numClasses, int imageSize, int inputChannels) : base(nameof(TinyTapNet))
    {
        conv1 = nn.Conv2d(inputChannels, 8, 3, padding: 1);
        conv2 = nn.Conv2d(8, 16, 3, stride: 2, padding: 1);
        conv3 = nn.Conv2d(16, 32, 3, stride: 2, padding: 1);
        conv4 = nn.Conv2d(32, 32, 3, stride: 2, padding: 1);
        head = nn.Linear(32, numClasses);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor images)
    {
        // Intermediates are disposed on return: the taps must keep what they read.
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(conv1.call(images));
        x = nn.functional.relu(conv2.call(x));
        x = nn.functional.relu(conv3.call(x));
        x = nn.functional.relu(conv4.call(x));
        return head.call(x.mean([2, 3])).MoveToOuterDisposeScope();
    }
}
