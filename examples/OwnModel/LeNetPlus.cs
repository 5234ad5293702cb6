using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Examples;

/// <summary>
/// A model written the way any TorchSharp user writes one, with no FofaDsl base class: four convolution blocks, global
/// pooling and a linear classifier. The experiment reads its four stages through <c>[Tap]</c>s on the blocks.
/// </summary>
public sealed class LeNetPlus : nn.Module<Tensor, Tensor>
{
    /// <summary>Stage 1: full resolution, 32 channels.</summary>
    public readonly nn.Module<Tensor, Tensor> block1;

    /// <summary>Stage 2: half resolution, 64 channels.</summary>
    public readonly nn.Module<Tensor, Tensor> block2;

    /// <summary>Stage 3: quarter resolution, 128 channels.</summary>
    public readonly nn.Module<Tensor, Tensor> block3;

    /// <summary>Stage 4: an eighth of the resolution, 256 channels.</summary>
    public readonly nn.Module<Tensor, Tensor> block4;

    private readonly nn.Module<Tensor, Tensor> classifier;

    /// <summary>Builds the model for the data's class count, image size and channels (the signature FofaDsl calls).</summary>
    public LeNetPlus(int numClasses, int imageSize, int inputChannels) : base(nameof(LeNetPlus))
    {
        block1 = Block(inputChannels, 32, stride: 1);
        block2 = Block(32, 64, stride: 2);
        block3 = Block(64, 128, stride: 2);
        block4 = Block(128, 256, stride: 2);
        classifier = nn.Linear(256, numClasses);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        // call, not forward: that is what runs the taps.
        var x = block4.call(block3.call(block2.call(block1.call(images))));
        return classifier.call(x.mean([2, 3])).MoveToOuterDisposeScope();
    }

    private static nn.Module<Tensor, Tensor> Block(int input, int output, int stride) => nn.Sequential(
        nn.Conv2d(input, output, 3, stride: stride, padding: 1, bias: false),
        nn.BatchNorm2d(output),
        nn.ReLU());
}
