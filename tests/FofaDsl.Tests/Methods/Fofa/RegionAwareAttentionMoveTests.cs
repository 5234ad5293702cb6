using FofaDsl.Methods.Fofa;
using FofaDsl.Stages;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.Fofa;

/// <summary>TorchSharp 0.107's Module.to skips non-persistent buffers; RAA's position code must follow anyway.</summary>
[Collection(TorchCollection.Name)]
public sealed class RegionAwareAttentionMoveTests
{
    [Fact]
    public void Position_code_follows_a_dtype_change_and_the_module_still_runs()
    {
        StageGeometry[] stages = [StageGeometry.Spatial(4, 8, 8), StageGeometry.Spatial(8, 4, 4), StageGeometry.Spatial(8, 2, 2), StageGeometry.Spatial(8, 2, 2)];
        var attention = new RegionAwareAttention(stages, new FofaOptions(Queries: 16, TokenWidth: 8, Heads: 2));
        attention.to(ScalarType.Float64);
        Assert.Equal(ScalarType.Float64, attention.PositionCode(2, CPU).dtype);
        Tensor[] inputs = stages.Select(s => randn([2, s.Channels, s.Height, s.Width], dtype: ScalarType.Float64)).ToArray();
        var blocks = attention.call(inputs);
        Assert.All(blocks, b => Assert.Equal(ScalarType.Float64, b.dtype));
        Assert.DoesNotContain(attention.state_dict().Keys, k => k.Contains("position_code"));
    }
}
