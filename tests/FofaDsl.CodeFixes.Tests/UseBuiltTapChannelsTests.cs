namespace FofaDsl.CodeFixes.Tests;

/// <summary>FOFA024: the fix sets a tap's Channels to what the model's code builds the tapped member with.</summary>
public sealed class UseBuiltTapChannelsTests
{
    private readonly UseBuiltTapChannelsCodeFix provider = new();

    /// <summary>The quickstart with a plain TorchSharp student whose four stage members the generator can read.</summary>
    private static string TappedStudent(string stage2Channels) => Sources.QuickstartWith(
        "[Student(Architecture.ResNet18, Stem = ResNetStem.Cifar, BaseWidth = 16)]", $$"""
        [Student(typeof(ConvNet))]
        [Tap(ModelRole.Student, 1, nameof(ConvNet.layer1), Channels = 16, Stride = 1)]
        [Tap(ModelRole.Student, 2, nameof(ConvNet.layer2), {{stage2Channels}}, Stride = 2)]
        [Tap(ModelRole.Student, 3, nameof(ConvNet.layer3), Channels = 64, Stride = 4)]
        [Tap(ModelRole.Student, 4, nameof(ConvNet.layer4), Channels = 64, Stride = 8)]
        """) + """

        public sealed class ConvNet : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>
        {
            public readonly TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> layer1 = TorchSharp.torch.nn.Conv2d(1, 16, 3, padding: 1);
            public readonly TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> layer2 = TorchSharp.torch.nn.Sequential(TorchSharp.torch.nn.Conv2d(16, 48, 3, stride: 2, padding: 1), TorchSharp.torch.nn.ReLU());
            public readonly TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> layer3 = TorchSharp.torch.nn.Conv2d(48, 64, 3, stride: 2, padding: 1);
            public readonly TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> layer4 = TorchSharp.torch.nn.Conv2d(64, 64, 3, stride: 2, padding: 1);
            public ConvNet(int numClasses, int imageSize, int inputChannels) : base(nameof(ConvNet)) { }
            public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor x) => layer4.call(layer3.call(layer2.call(layer1.call(x))));
        }
        """;

    [Theory]
    [InlineData("Channels = 32")]
    [InlineData("Channels = 2 * 16")]
    [InlineData("Channels = 32 /* from the paper */")]
    public Task Channels_become_the_built_ones(string declared) =>
        CodeFixHarness.AssertFixesAsync(provider, TappedStudent(declared), "FOFA024", "Use Channels = 48",
            TappedStudent(declared.Replace("2 * 16", "48").Replace("32", "48")));

    [Fact]
    public async Task The_built_value_has_nothing_to_fix()
    {
        var (diagnostics, _) = await CodeFixHarness.RunGeneratorAsync(CodeFixHarness.CreateDocument(TappedStudent("Channels = 48")).Project);
        Assert.Empty(diagnostics);
    }
}
