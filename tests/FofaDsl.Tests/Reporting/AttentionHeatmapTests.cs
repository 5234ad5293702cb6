using FofaDsl.Reporting;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Reporting;

[Collection(TorchCollection.Name)]
public sealed class AttentionHeatmapTests : IDisposable
{
    // matplotlib's viridis at 0, 0.5 and 1 (its 256-entry table), written out here.
    private static readonly (byte R, byte G, byte B) ViridisZero = (68, 1, 84);
    private static readonly (byte R, byte G, byte B) ViridisHalf = (33, 145, 140);
    private static readonly (byte R, byte G, byte B) ViridisOne = (253, 231, 37);

    private readonly ReportingTempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static void AssertColour((byte R, byte G, byte B) expected, (byte R, byte G, byte B) actual, int tolerance = 2)
    {
        Assert.True(
            Math.Abs(expected.R - actual.R) <= tolerance && Math.Abs(expected.G - actual.G) <= tolerance && Math.Abs(expected.B - actual.B) <= tolerance,
            $"expected about {expected}, got {actual}");
    }

    private static float[,] OneHot(int rows, int cols, int hotRow, int hotCol)
    {
        var map = new float[rows, cols];
        map[hotRow, hotCol] = 1;
        return map;
    }

    [Fact]
    public void Png_has_the_requested_size()
    {
        string path = temp.File("maps/attention.png");
        AttentionHeatmap.Save(path, OneHot(4, 4, 0, 0), new AttentionHeatmapOptions { Width = 200, Height = 120 });

        using var bitmap = PngFile.Decode(path);
        Assert.Equal((200, 120), (bitmap.Width, bitmap.Height));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void Hot_cell_is_hot_coloured_where_its_row_and_column_say()
    {
        // 4 x 4 cells at 400 x 400: cell (row 1, col 2) covers x 200..299, y 100..199.
        string path = temp.File("attention.png");
        AttentionHeatmap.Save(path, OneHot(4, 4, 1, 2), new AttentionHeatmapOptions { Width = 400, Height = 400 });

        using var bitmap = PngFile.Decode(path);
        AssertColour(ViridisOne, PngFile.Pixel(bitmap, 250, 150));
        AssertColour(ViridisOne, PngFile.Pixel(bitmap, 201, 101));
        AssertColour(ViridisOne, PngFile.Pixel(bitmap, 298, 198));
        AssertColour(ViridisZero, PngFile.Pixel(bitmap, 150, 250)); // the transposed cell stays cold
        AssertColour(ViridisZero, PngFile.Pixel(bitmap, 50, 50));
        AssertColour(ViridisZero, PngFile.Pixel(bitmap, 302, 150));
    }

    [Fact]
    public void Non_square_map_puts_rows_down_and_columns_across()
    {
        // 2 rows x 3 cols at 300 x 200: cell (0, 2) covers x 200..299, y 0..99.
        string path = temp.File("attention.png");
        AttentionHeatmap.Save(path, OneHot(2, 3, 0, 2), new AttentionHeatmapOptions { Width = 300, Height = 200 });

        using var bitmap = PngFile.Decode(path);
        AssertColour(ViridisOne, PngFile.Pixel(bitmap, 250, 50));
        AssertColour(ViridisZero, PngFile.Pixel(bitmap, 250, 150));
        AssertColour(ViridisZero, PngFile.Pixel(bitmap, 50, 50));
    }

    [Fact]
    public void Fixed_range_maps_the_midpoint_to_the_middle_colour()
    {
        var map = new float[2, 2] { { 0.5f, 0f }, { 0f, 0f } };
        string path = temp.File("attention.png");
        AttentionHeatmap.Save(path, map, new AttentionHeatmapOptions { Width = 100, Height = 100, Range = (0f, 1f) });

        using var bitmap = PngFile.Decode(path);
        AssertColour(ViridisHalf, PngFile.Pixel(bitmap, 25, 25));
        AssertColour(ViridisZero, PngFile.Pixel(bitmap, 75, 75));
    }

    [Fact]
    public void Heat_is_alpha_blended_over_a_grey_background()
    {
        // Left half black, right half white; the hot cell (0, 0) lies over black, cell (0, 1) over white.
        var background = new float[10, 20];
        for (int y = 0; y < 10; y++)
        {
            for (int x = 10; x < 20; x++)
                background[y, x] = 1f;
        }
        string path = temp.File("attention.png");
        AttentionHeatmap.Save(path, OneHot(2, 2, 0, 0), background, new AttentionHeatmapOptions { Width = 200, Height = 100, Opacity = 0.25f });

        using var bitmap = PngFile.Decode(path);
        // 0.25 * hot + 0.75 * black, and 0.25 * cold + 0.75 * white.
        AssertColour((63, 58, 9), PngFile.Pixel(bitmap, 50, 25));
        AssertColour((208, 192, 212), PngFile.Pixel(bitmap, 150, 25));
    }

    [Fact]
    public void Colour_background_keeps_its_colour_where_the_heat_is_transparent()
    {
        var background = new float[3, 8, 8];
        for (int y = 0; y < 8; y++)
        {
            for (int x = 0; x < 8; x++)
                background[0, y, x] = 1f; // pure red
        }
        string path = temp.File("attention.png");
        AttentionHeatmap.Save(path, OneHot(2, 2, 1, 1), background, new AttentionHeatmapOptions { Width = 64, Height = 64, Opacity = 0f });

        using var bitmap = PngFile.Decode(path);
        AssertColour((255, 0, 0), PngFile.Pixel(bitmap, 48, 48));
    }

    [Fact]
    public void Tensor_map_over_a_byte_image_matches_the_array_path()
    {
        using var scope = NewDisposeScope();
        var attention = zeros(4, 4);
        attention[3, 0] = tensor(1f);
        var image = full(new long[] { 3, 16, 16 }, 255, ScalarType.Byte); // white
        string path = temp.File("attention.png");
        AttentionHeatmap.Save(path, attention, image, new AttentionHeatmapOptions { Width = 80, Height = 80, Opacity = 0.5f });

        using var bitmap = PngFile.Decode(path);
        // Cell (3, 0): x 0..19, y 60..79; 0.5 * hot + 0.5 * white.
        AssertColour((254, 243, 146), PngFile.Pixel(bitmap, 10, 70));
        AssertColour((162, 128, 170), PngFile.Pixel(bitmap, 70, 10));
    }

    [Fact]
    public void Normalised_float_background_is_stretched_to_its_range()
    {
        using var scope = NewDisposeScope();
        // A normalised image in [-2, 2]: left columns -2 (black once stretched), right columns 2 (white).
        var image = cat([full(new long[] { 8, 4 }, -2f), full(new long[] { 8, 4 }, 2f)], dim: 1);
        string path = temp.File("attention.png");
        AttentionHeatmap.Save(path, ones(2, 2), image, new AttentionHeatmapOptions { Width = 80, Height = 80, Opacity = 0f });

        using var bitmap = PngFile.Decode(path);
        AssertColour((0, 0, 0), PngFile.Pixel(bitmap, 5, 40));
        AssertColour((255, 255, 255), PngFile.Pixel(bitmap, 75, 40));
    }

    [Fact]
    public void Smooth_upsampling_blends_between_cells()
    {
        string path = temp.File("attention.png");
        AttentionHeatmap.Save(path, OneHot(2, 2, 0, 0), new AttentionHeatmapOptions { Width = 200, Height = 200, Smooth = true });

        using var bitmap = PngFile.Decode(path);
        // Cell centres keep their colours; halfway between the hot and a cold centre is neither.
        AssertColour(ViridisOne, PngFile.Pixel(bitmap, 50, 50), tolerance: 4);
        AssertColour(ViridisZero, PngFile.Pixel(bitmap, 150, 150), tolerance: 4);
        var between = PngFile.Pixel(bitmap, 100, 50);
        Assert.InRange(between.R, ViridisZero.R + 20, ViridisOne.R - 20);
    }

    [Fact]
    public void Stage_lines_separate_the_stages()
    {
        // 8 queries in two stages of 4, at 256 px: the boundary is at pixel 128 both ways.
        string path = temp.File("attention.png");
        AttentionHeatmap.Save(path, new float[8, 8], new AttentionHeatmapOptions { Width = 256, Height = 256, StageSizes = [4, 4] });

        using var bitmap = PngFile.Decode(path);
        Assert.Equal(((byte)255, (byte)255, (byte)255), PngFile.Pixel(bitmap, 128, 10));
        Assert.Equal(((byte)255, (byte)255, (byte)255), PngFile.Pixel(bitmap, 10, 128));
        Assert.NotEqual(((byte)255, (byte)255, (byte)255), PngFile.Pixel(bitmap, 100, 10));
    }

    [Fact]
    public void Stage_sizes_that_do_not_add_up_are_refused() =>
        Assert.Throws<ArgumentException>(() => AttentionHeatmap.Save(
            temp.File("attention.png"), new float[8, 8], new AttentionHeatmapOptions { StageSizes = [4, 3] }));

    [Fact]
    public void A_batched_tensor_is_refused_with_a_hint()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => AttentionHeatmap.Save(temp.File("attention.png"), zeros(2, 4, 4)));
        Assert.Contains("[2, 4, 4]", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.File("attention.png")));
    }

    [Fact]
    public void Opacity_outside_zero_to_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => AttentionHeatmap.Save(
            temp.File("attention.png"), new float[2, 2], new AttentionHeatmapOptions { Opacity = 1.5f }));
}
