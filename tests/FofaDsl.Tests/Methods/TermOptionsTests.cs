using FofaDsl.Methods.Cc;
using FofaDsl.Methods.Crd;
using FofaDsl.Methods.Dist;
using FofaDsl.Methods.Dkd;
using FofaDsl.Methods.Kd;
using FofaDsl.Methods.Rkd;

namespace FofaDsl.Tests.Methods;

/// <summary>The options carry the benchmark's defaults, and an out-of-range setting is named with its range.</summary>
public sealed class TermOptionsTests
{
    [Fact]
    public void Defaults_are_the_heterogeneous_benchmarks()
    {
        Assert.Equal((1.0, 1.0), (new KdOptions().Weight, new KdOptions().Temperature));
        var dkd = new DkdOptions();
        Assert.Equal((1.0, 2.0, 1.0, 0), (dkd.Alpha, dkd.Beta, dkd.Temperature, dkd.WarmupEpochs));
        var dist = new DistOptions();
        Assert.Equal((1.0, 1.0, 1.0, 1.0), (dist.Weight, dist.Beta, dist.Gamma, dist.Temperature));
        var cc = new CcOptions();
        Assert.Equal((0.02, 128, 0.4, 2), (cc.Weight, cc.EmbedDim, cc.Gamma, cc.TaylorOrder));
        var rkd = new RkdOptions();
        Assert.Equal((25.0, 50.0, 1e-12), (rkd.DistanceWeight, rkd.AngleWeight, rkd.Eps));
        var crd = new CrdOptions();
        Assert.Equal((0.8, 128, 16384, 0.07, 0.5), (crd.Weight, crd.EmbedDim, crd.Negatives, crd.Temperature, crd.Momentum));
    }

    public static TheoryData<string, Action, string> Invalid => new()
    {
        { "KD weight", () => new KdOptions { Weight = -1 }.Validate(), "Weight" },
        { "KD temperature", () => new KdOptions { Temperature = 0 }.Validate(), "Temperature" },
        { "DKD alpha", () => new DkdOptions { Alpha = double.NaN }.Validate(), "Alpha" },
        { "DKD beta", () => new DkdOptions { Beta = double.PositiveInfinity }.Validate(), "Beta" },
        { "DKD warm-up", () => new DkdOptions { WarmupEpochs = -1 }.Validate(), "WarmupEpochs" },
        { "DIST gamma", () => new DistOptions { Gamma = -0.1 }.Validate(), "Gamma" },
        { "DIST temperature", () => new DistOptions { Temperature = -2 }.Validate(), "Temperature" },
        { "CC embedding", () => new CcOptions { EmbedDim = 0 }.Validate(), "EmbedDim" },
        { "CC gamma", () => new CcOptions { Gamma = 0 }.Validate(), "Gamma" },
        { "CC order", () => new CcOptions { TaylorOrder = -1 }.Validate(), "TaylorOrder" },
        { "RKD angle", () => new RkdOptions { AngleWeight = -50 }.Validate(), "AngleWeight" },
        { "RKD eps", () => new RkdOptions { Eps = 0 }.Validate(), "Eps" },
        { "CRD negatives", () => new CrdOptions { Negatives = 0 }.Validate(), "Negatives" },
        { "CRD momentum", () => new CrdOptions { Momentum = 1.5 }.Validate(), "Momentum" },
        { "CRD temperature", () => new CrdOptions { Temperature = 0 }.Validate(), "Temperature" },
        { "term ctor validates", () => _ = new KdTerm(new KdOptions { Temperature = -1 }), "Temperature" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_out_of_range_setting_is_named_with_its_range(string what, Action validate, string setting)
    {
        var error = Assert.Throws<ArgumentException>(validate);
        Assert.Equal(setting, error.ParamName);
        Assert.Contains("must", error.Message);
        Assert.False(string.IsNullOrEmpty(what));
    }

    [Fact]
    public void The_defaults_pass_validation()
    {
        new KdOptions().Validate();
        new DkdOptions().Validate();
        new DistOptions().Validate();
        new CcOptions().Validate();
        new RkdOptions().Validate();
        new CrdOptions().Validate();
    }
}
