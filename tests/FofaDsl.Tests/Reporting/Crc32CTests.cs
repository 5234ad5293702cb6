using System.Text;
using FofaDsl.Reporting;

namespace FofaDsl.Tests.Reporting;

public sealed class Crc32CTests
{
    [Fact]
    public void Check_value_of_the_standard_test_string() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Empty_input_gives_zero() => Assert.Equal(0u, Crc32C.Compute([]));

    // RFC 3720 (iSCSI) appendix B.4 test vectors.
    [Fact]
    public void Thirty_two_zero_bytes() => Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));

    [Fact]
    public void Thirty_two_ff_bytes() => Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));

    [Fact]
    public void Thirty_two_ascending_bytes() =>
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));

    [Fact]
    public void Mask_rotates_right_by_15_and_adds_the_delta()
    {
        // 0xE3069283 rotated right by 15 bits: low 15 bits 0x1283 move to the top.
        uint crc = 0xE3069283u;
        uint rotated = (crc >> 15) | ((crc & 0x7FFFu) << 17);
        Assert.Equal(0x2507C60Du, rotated);
        Assert.Equal(unchecked(0x2507C60Du + 0xA282EAD8u), Crc32C.Mask(crc));
    }
}
