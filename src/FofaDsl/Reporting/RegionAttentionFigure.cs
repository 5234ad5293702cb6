using SkiaSharp;
using static TorchSharp.torch;

namespace FofaDsl.Reporting;

/// <summary>
/// One image's region-aware attention as a PNG strip of five square panels (the paper's Figure 3 and
/// where it lands on the image): first the query-by-key matrix with white lines between the stages,
/// then, for stages 1 to 4, the attention that stage's key regions receive, drawn over the image.
/// The four stage panels share one colour range, so the stage the student leans on stands out.
/// </summary>
public static class RegionAttentionFigure
{
    /// <summary>Panels in the strip: the matrix and one per stage.</summary>
    public const int Panels = 5;

    /// <summary>Saves the strip; the file is <c>Panels * panelSize</c> wide and <paramref name="panelSize"/> high, replaced atomically.</summary>
    /// <param name="path">The PNG file; its directory is made when missing.</param>
    /// <param name="image">The input image, <c>[C, H, W]</c> with 1 or 3 channels (normalised values are stretched).</param>
    /// <param name="matrix">The query-by-key attention, <c>[N, N]</c>, stage-major.</param>
    /// <param name="stageKeyMaps">The attention each stage's <c>g x g</c> key regions receive, <c>[4, g, g]</c>.</param>
    /// <param name="panelSize">Side of each square panel in pixels.</param>
    /// <exception cref="ArgumentException">The shapes do not fit together.</exception>
    public static void Save(string path, Tensor image, Tensor matrix, Tensor stageKeyMaps, int panelSize = 256)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(panelSize, 1);
        if (stageKeyMaps.dim() != 3 || stageKeyMaps.shape[1] != stageKeyMaps.shape[2])
            throw new ArgumentException($"Stage key maps are [stages, g, g]; got [{string.Join(", ", stageKeyMaps.shape)}].", nameof(stageKeyMaps));
        var stages = (int)stageKeyMaps.shape[0];
        var perStage = (int)(stageKeyMaps.shape[1] * stageKeyMaps.shape[2]);
        if (matrix.dim() != 2 || matrix.shape[0] != stages * perStage || matrix.shape[1] != stages * perStage)
            throw new ArgumentException($"The matrix of {stages} stages of {perStage} regions is [{stages * perStage}, {stages * perStage}]; got [{string.Join(", ", matrix.shape)}].", nameof(matrix));

        var square = new AttentionHeatmapOptions { Width = panelSize, Height = panelSize };
        var panels = new List<SKBitmap>
        {
            AttentionHeatmap.RenderBitmap(matrix, null, square with { StageSizes = Enumerable.Repeat(perStage, stages).ToArray() }),
        };
        try
        {
            using var cpu = stageKeyMaps.detach().cpu().to_type(ScalarType.Float32);
            float min = cpu.min().item<float>(), max = cpu.max().item<float>();
            var overlay = square with { Smooth = true, Range = max > min && float.IsFinite(min) && float.IsFinite(max) ? (min, max) : null };
            for (var stage = 0; stage < stages; stage++)
            {
                using var map = cpu[stage];
                panels.Add(AttentionHeatmap.RenderBitmap(map, image, overlay));
            }

            using var strip = new SKBitmap(new SKImageInfo(panelSize * panels.Count, panelSize, SKColorType.Rgba8888, SKAlphaType.Opaque));
            using (var canvas = new SKCanvas(strip))
            {
                for (var i = 0; i < panels.Count; i++)
                {
                    using var panel = SKImage.FromBitmap(panels[i]);
                    canvas.DrawImage(panel, i * panelSize, 0, new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None), null);
                }
            }
            Platform.AtomicFile.WriteAllBytes(path, AttentionHeatmap.EncodePng(strip));
        }
        finally
        {
            foreach (var panel in panels) panel.Dispose();
        }
    }
}
