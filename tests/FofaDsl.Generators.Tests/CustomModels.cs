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
}
