using FofaDsl.Reporting;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Reporting;

/// <summary>The RAA figure: the query-by-key matrix, then one panel per stage over the image.</summary>
[Collection(TorchCollection.Name)]
public sealed class RegionAttentionFigureTests : IDisposable
{
    private readonly ReportingTempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void The_strip_has_five_square_panels_and_the_stage_with_the_attention_is_the_hot_one()
    {
        var path = directory.File("attention/fofa-000.png");
        using var image = full(new long[] { 1, 28, 28 }, 0.5f);
        using var matrix = full(16, 16, 1f / 16);
        // Every region of stage 3 gets the attention; stages 1, 2 and 4 none.
        using var stages = zeros(4, 2, 2);
        stages[2] = full(2, 2, 0.25f);

        RegionAttentionFigure.Save(path, image, matrix, stages, panelSize: 40);

        using var png = PngFile.Decode(path);
        Assert.Equal((RegionAttentionFigure.Panels * 40, 40), (png.Width, png.Height));
        // Viridis runs from dark purple (cold) to yellow (hot): the hot panel is the brightest.
        double Brightness(int panel)
        {
            var (r, g, b) = PngFile.Pixel(png, panel * 40 + 20, 20);
            return r + g + b;
        }
        Assert.True(Brightness(3) > Brightness(1) + 100, $"{Brightness(3)} vs {Brightness(1)}");
        Assert.Equal(Brightness(1), Brightness(2));
        Assert.Equal(Brightness(1), Brightness(4));
    }

    [Fact]
    public void A_matrix_that_does_not_fit_the_stage_maps_is_refused()
    {
        using var image = zeros(1, 8, 8);
        var error = Assert.Throws<ArgumentException>(() => RegionAttentionFigure.Save(directory.File("x.png"), image, zeros(12, 12), zeros(4, 2, 2)));
        Assert.Contains("[16, 16]", error.Message);
        Assert.False(File.Exists(directory.File("x.png")));
    }
}
