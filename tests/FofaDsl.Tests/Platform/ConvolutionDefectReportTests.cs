using FofaDsl.Platform;

namespace FofaDsl.Tests.Platform;

/// <summary>What a user reads when the self-check finds a wrong shape; the numbers here are made up, as no CPU at hand is wrong.</summary>
public sealed class ConvolutionDefectReportTests
{
    private static readonly ConvolutionShape Stem = ConvolutionShape.Square(8, 16, 3, 2, 28);

    [Fact]
    public void A_NaN_or_an_error_above_tolerance_is_wrong_and_rounding_is_not()
    {
        Assert.False(new ConvolutionProbeResult(Stem, double.NaN, 0, 0, 0).IsRight);
        Assert.False(new ConvolutionProbeResult(Stem, 0, 0, 0.3, 0).IsRight);
        Assert.False(new ConvolutionProbeResult(Stem, 0, 0, 0, 2 * ConvolutionProbe.Tolerance).IsRight);
        Assert.True(new ConvolutionProbeResult(Stem, 1e-6, 2e-7, 3e-6, 0).IsRight);
    }

    [Fact]
    public void The_error_names_the_cpu_each_wrong_shape_and_pass_and_the_fix()
    {
        var report = new ConvolutionCheckReport(
        [
            new ConvolutionProbeResult(ConvolutionShape.Square(1, 8, 3, 1, 28), 1e-7, 1e-7, 1e-7, 0),
            new ConvolutionProbeResult(Stem, double.NaN, 0.25, 0, 0),
        ], TimeSpan.FromMilliseconds(3));

        var error = Assert.Throws<ConvolutionDefectException>(report.ThrowIfWrong);

        Assert.Contains("1 of the experiment's 2 convolution shapes", error.Message);
        Assert.Contains(CpuIdentity.Current.Model, error.Message);
        Assert.Contains("conv2d 8->16 k3x3 s2x2 p1x1 g1 on 28x28: forward NaN, input gradient 2.5E-001", error.Message);
        Assert.Contains("Nothing was trained or written", error.Message);
        Assert.Contains("--skip-self-check", error.Message);
        Assert.Contains("--device cuda", error.Message);
    }

    [Fact]
    public void A_cpuinfo_of_the_affected_kind_is_named_with_family_and_avx512()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\nmodel name\t: AMD EPYC\n" +
                                    "flags\t\t: fpu sse4_2 avx avx2 avx512f avx512_bf16 avx512_vnni\n\nprocessor\t: 1\nmodel name\t: other\n");
            var cpu = CpuIdentity.Read(file);

            Assert.Equal("AMD EPYC (AuthenticAMD family 26 model 2; AVX2, AVX-512 (avx512_bf16, avx512_vnni, avx512f))", cpu.ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
