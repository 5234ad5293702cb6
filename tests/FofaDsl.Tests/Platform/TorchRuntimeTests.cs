using FofaDsl.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Platform;

/// <summary>The oneDNN workaround is in force in every process that uses FofaDsl, whatever the CPU.</summary>
[Collection(TorchCollection.Name)]
public sealed class TorchRuntimeTests
{
    [Fact]
    public void OneDnn_convolutions_are_off_as_libtorch_itself_reports()
    {
        var settings = TorchRuntime.Configure();

        Assert.False(settings.OneDnnConvolutions, settings.ToString());
        Assert.Null(settings.NotApplied);
        Assert.False(LibTorchContext.IsOneDnnEnabled());
        Assert.Contains("oneDNN convolutions off", settings.ToString());
    }

    [Fact]
    public void Configure_is_idempotent_and_keeps_the_switch_off()
    {
        var first = TorchRuntime.Configure();
        var second = TorchRuntime.Configure();

        Assert.Same(first, second);
        Assert.False(LibTorchContext.IsOneDnnEnabled());
    }

    [Fact]
    public void The_switch_is_what_libtorch_reads_it_can_be_turned_back_and_forth()
    {
        try
        {
            Assert.True(LibTorchContext.SetOneDnnEnabled(true));
            Assert.True(LibTorchContext.IsOneDnnEnabled());
        }
        finally
        {
            Assert.False(LibTorchContext.SetOneDnnEnabled(false));
        }
        Assert.False(LibTorchContext.IsOneDnnEnabled());
    }

    [Fact]
    public void Convolutions_under_the_switch_equal_a_float64_convolution_computed_by_loops()
    {
        // An independent yardstick: a direct 3x3 convolution written as loops over a tiny input.
        using var scope = NewDisposeScope();
        var generator = new Generator(3);
        var input = randn([1, 3, 5, 5], ScalarType.Float64, generator: generator);
        var weight = randn([2, 3, 3, 3], ScalarType.Float64, generator: generator);
        var actual = nn.functional.conv2d(input.to(ScalarType.Float32), weight.to(ScalarType.Float32), padding: [1, 1]).to(ScalarType.Float64);
        var x = input.data<double>().ToArray();
        var w = weight.data<double>().ToArray();
        for (var o = 0; o < 2; o++)
            for (var i = 0; i < 5; i++)
                for (var j = 0; j < 5; j++)
                {
                    var sum = 0.0;
                    for (var c = 0; c < 3; c++)
                        for (var di = -1; di <= 1; di++)
                            for (var dj = -1; dj <= 1; dj++)
                                if (i + di is >= 0 and < 5 && j + dj is >= 0 and < 5)
                                    sum += x[(c * 5 + i + di) * 5 + j + dj] * w[((o * 3 + c) * 3 + di + 1) * 3 + dj + 1];
                    Assert.InRange(Math.Abs(actual[0, o, i, j].item<double>() - sum), 0, 1e-5);
                }
    }
}
