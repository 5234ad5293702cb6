using FofaDsl.Backbones;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Backbones;

[Collection(TorchCollection.Name)]
public sealed class ShiftedWindowsTests
{
    [Fact]
    public void Partition_cuts_row_major_windows_and_merge_undoes_it()
    {
        // One 4x4 single-channel image holding 0..15 in row-major order, windows of 2.
        using var grid = arange(16, ScalarType.Float32).reshape(1, 4, 4, 1);
        using var windows = ShiftedWindows.Partition(grid, 2);

        Assert.Equal([4L, 4, 1], windows.shape);
        // Window 1 is the top-right 2x2 block: rows 0-1, columns 2-3.
        Assert.Equal([2f, 3f, 6f, 7f], windows[1].flatten().data<float>().ToArray());
        // Window 2 is the bottom-left block.
        Assert.Equal([8f, 9f, 12f, 13f], windows[2].flatten().data<float>().ToArray());
        using var merged = ShiftedWindows.Merge(windows, 2, 4, 4);
        Assert.True(merged.eq(grid).all().item<bool>());
    }

    [Fact]
    public void Relative_position_index_of_a_2x2_window()
    {
        // Tokens (0,0), (0,1), (1,0), (1,1); index = (dy + 1) * 3 + (dx + 1), dy/dx = i minus j.
        using var index = ShiftedWindows.RelativePositionIndex(2);
        long[] expected =
        [
            4, 3, 1, 0,
            5, 4, 2, 1,
            7, 6, 4, 3,
            8, 7, 5, 4,
        ];
        Assert.Equal([4L, 4], index.shape);
        Assert.Equal(ScalarType.Int64, index.dtype);
        Assert.Equal(expected, index.data<long>().ToArray());
    }

    [Fact]
    public void Shifted_window_mask_separates_regions_that_wrapped_around()
    {
        // 4x4 grid, window 2, shift 1: bands per axis are [0, 2), [2, 3), [3, 4) -> 0, 0, 1, 2,
        // region = 3 * row band + column band. Region ids of the tokens of each window:
        int[][] windowRegions =
        [
            [0, 0, 0, 0], // rows 0-1, columns 0-1
            [1, 2, 1, 2], // rows 0-1, columns 2-3
            [3, 3, 6, 6], // rows 2-3, columns 0-1
            [4, 5, 7, 8], // rows 2-3, columns 2-3
        ];
        var expected = new float[4 * 4 * 4];
        for (var w = 0; w < 4; w++)
            for (var i = 0; i < 4; i++)
                for (var j = 0; j < 4; j++)
                    expected[(w * 4 + i) * 4 + j] = windowRegions[w][i] == windowRegions[w][j] ? 0f : -100f;

        using var mask = ShiftedWindows.AttentionMask(4, 4, 2, 1);

        Assert.Equal([4L, 4, 4], mask.shape);
        Assert.Equal(expected, mask.data<float>().ToArray());
    }

    [Fact]
    public void Shifted_block_lets_tokens_attend_only_within_their_region()
    {
        torch.manual_seed(21);
        using var block = new SwinTransformerBlock(dim: 8, heads: 2, resolution: 4, window: 2, shift: 1, mlpHiddenDim: 16);
        block.eval();
        // Two images, so that the masks must also line up with the windows of the second one.
        using var input = randn(2, 4, 4, 8);

        // Rolled by -1, window 1 (top right) holds the original positions (1,3), (1,0), (2,3),
        // (2,0) with regions 1, 2, 1, 2: (1,0) reaches (2,0) but neither (1,3) nor (2,3).
        AssertOnlyTheseChange(block, input, perturbed: (1, 0), expectedChanged: [(1, 0), (2, 0)]);
        // Window 0 holds (1,1), (1,2), (2,1), (2,2), all region 0: they all see each other.
        AssertOnlyTheseChange(block, input, perturbed: (1, 1), expectedChanged: [(1, 1), (1, 2), (2, 1), (2, 2)]);
        // Window 3 holds (3,3), (3,0), (0,3), (0,0) in four different regions: (0,0) sees only itself.
        AssertOnlyTheseChange(block, input, perturbed: (0, 0), expectedChanged: [(0, 0)]);
    }

    [Fact]
    public void Shift_must_be_smaller_than_the_window()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ShiftedWindows.AttentionMask(4, 4, 2, 2));
        Assert.Throws<ArgumentException>(() => ShiftedWindows.AttentionMask(6, 6, 4, 2));
    }

    private static void AssertOnlyTheseChange(SwinTransformerBlock block, Tensor input, (int Row, int Column) perturbed, (int Row, int Column)[] expectedChanged)
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var changedInput = input.clone();
        // Not a constant: norm1 would remove an equal shift of all channels.
        changedInput[1, perturbed.Row, perturbed.Column] += arange(8, ScalarType.Float32);
        var difference = (block.call(changedInput) - block.call(input)).abs().amax([3]);
        Assert.True(difference[0].max().item<float>() < 1e-6f, "the other image should not change");

        for (var row = 0; row < 4; row++)
        {
            for (var column = 0; column < 4; column++)
            {
                var delta = difference[1, row, column].item<float>();
                if (expectedChanged.Contains((row, column))) Assert.True(delta > 1e-3f, $"({row},{column}) should change, changed by {delta}");
                else Assert.True(delta < 1e-6f, $"({row},{column}) should not change, changed by {delta}");
            }
        }
    }
}
