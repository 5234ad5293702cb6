using FofaDsl.Methods.Fofa;
using FofaDsl.Stages;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.Fofa;

/// <summary>Quirks 3 and 4 of the reference code on a 2-channel 2x2 map, against token orders written out by hand.</summary>
[Collection(TorchCollection.Name)]
public sealed class ClassTokenPlacementTests
{
    private static readonly StageGeometry Tokens = StageGeometry.Tokens(2, 2, 2, hasClassToken: true);

    // [1, C=2, H=2, W=2]: channel 0 holds 0..3 over positions, channel 1 holds 4..7.
    private static Tensor Map() => arange(8, dtype: float64).reshape(1, 2, 2, 2);

    [Fact]
    public void By_default_token_i_is_position_i_and_the_class_token_goes_first()
    {
        using var classToken = tensor(new double[] { 8, 9 }).reshape(1, 1, 2);
        using var joined = ClassTokenPlacement.Join(Map(), classToken, Tokens, classTokenLast: false);
        Assert.Equal(new double[] { 8, 9, 0, 4, 1, 5, 2, 6, 3, 7 }, joined.data<double>().ToArray());
    }

    [Fact]
    public void In_reference_mode_the_map_is_reshaped_without_a_permute_and_the_class_token_goes_last()
    {
        using var classToken = tensor(new double[] { 8, 9 }).reshape(1, 1, 2);
        using var joined = ClassTokenPlacement.Join(Map(), classToken, Tokens, classTokenLast: true);
        // reshape(1, 4, 2) of the [1, 2, 2, 2] memory: token 0 = (0, 1), i.e. two positions of channel 0.
        Assert.Equal(new long[] { 1, 5, 2 }, joined.shape);
        Assert.Equal(new double[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, joined.data<double>().ToArray());
    }

    [Fact]
    public void A_fresh_prompt_on_a_token_stage_is_the_identity_by_default_but_scrambles_in_reference_mode()
    {
        // Tokens [class, p0..p3] with p_i = (i, 10 + i): position i, channels 0 and 1.
        using var input = tensor(new double[] { 100, 200, 0, 10, 1, 11, 2, 12, 3, 13 }).reshape(1, 5, 2);
        // Two channels make an SE of zero width at ratio 16; the prompt's path is multiplied by beta = 0 anyway.
        var geometry = StageGeometry.Tokens(16, 2, 2, hasClassToken: true);
        using var wide = cat([input, zeros(1, 5, 14, dtype: float64)], 2);
        using var standard = new AdaptiveFeedbackPrompt(geometry, geometry, useFeedback: false);
        using var reference = new AdaptiveFeedbackPrompt(geometry, geometry, useFeedback: false, referenceCodeQuirks: true);
        standard.to(float64);
        reference.to(float64);
        using var same = standard.call(wide);
        Assert.True(same.equal(wide).all().item<bool>());

        // Reference mode: the LAST token (p3) is taken as the class token; the remaining [class, p0, p1, p2] form the
        // 2x2 map in that order, come back as reshape(1, 4, 16) of the [1, 16, 2, 2] map, and p3 is appended.
        using var scrambled = reference.call(wide);
        var channelsFirst = wide.narrow(1, 0, 4).permute(0, 2, 1).contiguous(); // [1, 16, 4]: channel c over the 4 tokens
        using var expected = cat([channelsFirst.reshape(1, 4, 16), wide.narrow(1, 4, 1)], 1);
        Assert.True(scrambled.equal(expected).all().item<bool>());
        Assert.False(scrambled.equal(wide).all().item<bool>());
        // Token 0 now holds channel 0 of [class, p0, p1, p2] and channel 1 of the same four: 100, 0, 1, 2, 200, 10, 11, 12, ...
        Assert.Equal(new double[] { 100, 0, 1, 2, 200, 10, 11, 12 }, scrambled[0, 0].narrow(0, 0, 8).data<double>().ToArray());
    }
}
