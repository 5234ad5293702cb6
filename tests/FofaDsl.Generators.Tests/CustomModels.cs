namespace FofaDsl.Generators.Tests;

/// <summary>User-defined model declarations for the generator tests (source text, compiled with the experiment).</summary>
internal static class CustomModels
{
    private const string Body = """
        {
            public override FofaDsl.Stages.StageGeometry StemGeometry => default;
            public override System.Collections.Generic.IReadOnlyList<FofaDsl.Stages.StageGeometry> StageGeometries => [];
            public override int NumClasses => 10;
            public override TorchSharp.torch.Tensor ForwardStem(TorchSharp.torch.Tensor images) => images;
            public override TorchSharp.torch.Tensor ForwardStage(int stage, TorchSharp.torch.Tensor input) => input;
            public override TorchSharp.torch.Tensor ForwardHead(TorchSharp.torch.Tensor lastStage) => lastStage;
        }
        """;

    public const string TinyNet = """
        [FofaDsl.Stages.StageGeometry(FofaDsl.Stages.StageLayout.Spatial, Channels = new[] { 8, 16, 32, 64 }, Strides = new[] { 1, 2, 4, 8 }, StemChannels = 8, StemStride = 1)]
        public sealed class TinyNet : StagedBackbone
        {
            public TinyNet(int numClasses, int imageSize, int inputChannels) : base(nameof(TinyNet)) { }
        """ + Body + "\n}";

    public const string PatchNet = """
        [FofaDsl.Stages.StageGeometry(FofaDsl.Stages.StageLayout.Tokens, Channels = new[] { 8, 8, 8, 8 }, Strides = new[] { 8, 8, 8, 8 }, StemChannels = 8, StemStride = 8, RoundDown = true)]
        public sealed class PatchNet : StagedBackbone
        {
            public PatchNet(int numClasses, int imageSize, int inputChannels) : base(nameof(PatchNet)) { }
        """ + Body + "\n}";

    public const string Undeclared = """
        public sealed class Undeclared : StagedBackbone
        {
            public Undeclared(int numClasses, int imageSize, int inputChannels) : base(nameof(Undeclared)) { }
        """ + Body + "\n}";

    public const string ThreeStages = """
        [FofaDsl.Stages.StageGeometry(FofaDsl.Stages.StageLayout.Spatial, Channels = new[] { 8, 16, 32 }, Strides = new[] { 1, 2, 4 }, StemChannels = 8, StemStride = 1)]
        public sealed class ThreeStages : StagedBackbone
        {
            public ThreeStages(int numClasses, int imageSize, int inputChannels) : base(nameof(ThreeStages)) { }
        """ + Body + "\n}";

    public const string NoConstructor = """
        [FofaDsl.Stages.StageGeometry(FofaDsl.Stages.StageLayout.Spatial, Channels = new[] { 8, 16, 32, 64 }, Strides = new[] { 1, 2, 4, 8 }, StemChannels = 8, StemStride = 1)]
        public sealed class NoConstructor : StagedBackbone
        {
            public NoConstructor() : base(nameof(NoConstructor)) { }
        """ + Body + "\n}";

    /// <summary>A plain TorchSharp module (no StagedBackbone) whose stages are read through [Tap]s.</summary>
    public const string TapNet = """
        public sealed class TapNet : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>
        {
            public readonly TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> layer1 = TorchSharp.torch.nn.Identity();
            public readonly TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> layer2 = TorchSharp.torch.nn.Identity();
            public readonly TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> layer3 = TorchSharp.torch.nn.Identity();
            public TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> layer4 { get; } = TorchSharp.torch.nn.Identity();
            public readonly int width = 8;
            public TapNet(int numClasses, int imageSize, int inputChannels) : base(nameof(TapNet)) { }
            public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor x) => layer4.call(layer3.call(layer2.call(layer1.call(x))));
        }
        """;

    /// <summary>The four student taps of <see cref="TapNet"/>, one attribute per line.</summary>
    public const string TapNetStudentTaps = """
        [Tap(ModelRole.Student, 1, nameof(TapNet.layer1), Channels = 16, Stride = 1)]
        [Tap(ModelRole.Student, 2, nameof(TapNet.layer2), Channels = 32, Stride = 2)]
        [Tap(ModelRole.Student, 3, nameof(TapNet.layer3), Channels = 64, Stride = 4)]
        [Tap(ModelRole.Student, 4, nameof(TapNet.layer4), Channels = 128, Stride = 8)]
        """;

    /// <summary>
    /// A plain module whose stage members are built the ways user code builds them: a field initializer,
    /// constructor assignments (one through <c>this.</c>), a Sequential of named layers, and one from a
    /// constructor parameter the generator cannot evaluate.
    /// </summary>
    public const string ConvTapNet = """
        public sealed class ConvTapNet : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>
        {
            public readonly TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> layer1 = TorchSharp.torch.nn.Conv2d(1, 16, 3, padding: 1);
            public readonly TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> layer2;
            public readonly TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> layer3;
            public readonly TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> layer4;
            public ConvTapNet(int numClasses, int imageSize, int inputChannels) : base(nameof(ConvTapNet))
            {
                layer2 = TorchSharp.torch.nn.Sequential(TorchSharp.torch.nn.Conv2d(16, 32, 3, stride: 2, padding: 1), TorchSharp.torch.nn.BatchNorm2d(32), TorchSharp.torch.nn.ReLU());
                this.layer3 = TorchSharp.torch.nn.Sequential(("conv", TorchSharp.torch.nn.Conv2d(32, 64, 3, stride: 2, padding: 1)), ("act", TorchSharp.torch.nn.GELU()));
                layer4 = TorchSharp.torch.nn.Conv2d(64, imageSize * 4, 3, stride: 2, padding: 1);
            }
            public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor x) => layer4.call(layer3.call(layer2.call(layer1.call(x))));
        }
        """;

    /// <summary>The four student taps of <see cref="ConvTapNet"/> as its code builds them.</summary>
    public const string ConvTapNetStudentTaps = """
        [Tap(ModelRole.Student, 1, nameof(ConvTapNet.layer1), Channels = 16, Stride = 1)]
        [Tap(ModelRole.Student, 2, nameof(ConvTapNet.layer2), Channels = 32, Stride = 2)]
        [Tap(ModelRole.Student, 3, nameof(ConvTapNet.layer3), Channels = 64, Stride = 4)]
        [Tap(ModelRole.Student, 4, nameof(ConvTapNet.layer4), Channels = 112, Stride = 8)]
        """;

    /// <summary>
    /// A module written under <c>using static TorchSharp.torch.nn</c> (bare <c>Conv2d</c>, <c>Linear</c>, <c>LayerNorm</c>)
    /// whose taps declare 16, 32, 64 and 96 channels; <see cref="UsingStaticNn"/> goes at the top of its file.
    /// </summary>
    public const string BareNnTapNet = """
        public sealed class BareNnTapNet : Module<Tensor, Tensor>
        {
            public readonly Module<Tensor, Tensor> layer1 = Conv2d(1, 16, 3, padding: 1);
            public readonly Module<Tensor, Tensor> layer2 = Sequential(Conv2d(16, 32, 3, stride: 2, padding: 1), GELU());
            public readonly Module<Tensor, Tensor> layer3 = Sequential(Linear(32, 64), LayerNorm(new long[] { 64 }));
            public readonly Module<Tensor, Tensor> layer4 = Linear(inputSize: 64, outputSize: 96L);
            public BareNnTapNet(int numClasses, int imageSize, int inputChannels) : base(nameof(BareNnTapNet)) { }
            public override Tensor forward(Tensor x) => layer4.call(layer3.call(layer2.call(layer1.call(x))));
        }
        """;

    public const string UsingStaticNn = "using static TorchSharp.torch;\nusing static TorchSharp.torch.nn;\n";

    /// <summary>The four student taps of <see cref="BareNnTapNet"/>, as its code builds them.</summary>
    public const string BareNnTapNetStudentTaps = """
        [Tap(ModelRole.Student, 1, nameof(BareNnTapNet.layer1), Channels = 16, Stride = 1)]
        [Tap(ModelRole.Student, 2, nameof(BareNnTapNet.layer2), Channels = 32, Stride = 2)]
        [Tap(ModelRole.Student, 3, nameof(BareNnTapNet.layer3), Channels = 64, Stride = 4)]
        [Tap(ModelRole.Student, 4, nameof(BareNnTapNet.layer4), Channels = 96, Stride = 8)]
        """;
}
