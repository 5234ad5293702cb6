using FofaDsl.Methods.Fofa;
using FofaDsl.Stages;
using FofaDsl.Tests.TestModels;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.Fofa;

[Collection(TorchCollection.Name)]
public sealed class StageAlignerTests
{
    private static readonly FofaOptions Small = new(Queries: 16, TokenWidth: 16, Heads: 2);

    [Fact]
    public void SpatialStudentToTokenTeacherMatchesTeacherPatchTokens()
    {
        manual_seed(9);
        using var student = new TinySpatialBackbone();
        using var teacher = new TinyTokenBackbone();
        using var raa = new RegionAwareAttention(student.StageGeometries, Small);
        using var images = randn(3, 3, 16, 16);
        var (_, studentStages) = student.ForwardWithStages(images);
        var blocks = raa.call(studentStages);
        for (var i = 0; i < 4; i++)
        {
            using var aligner = new TokenStageAligner(Small.QueriesPerStage, Small.TokenWidth, teacher.StageGeometries[i]);
            using var aligned = aligner.call(blocks[i]);
            // The tiny token teacher's stages are a class token + 4x4 patch tokens of width 24: the aligner gives the patch tokens.
            Assert.Equal([3, 16, 24], aligned.shape);
            Assert.True(aligned.isfinite().all().item<bool>());
        }
    }

    [Fact]
    public void TokenStudentToSpatialTeacherMatchesTeacherStageShapes()
    {
        manual_seed(10);
        using var student = new TinyTokenBackbone();
        using var teacher = new TinySpatialBackbone();
        using var raa = new RegionAwareAttention(student.StageGeometries, Small);
        using var images = randn(3, 3, 16, 16);
        var (_, studentStages) = student.ForwardWithStages(images);
        var (_, teacherStages) = teacher.ForwardWithStages(images);
        var blocks = raa.call(studentStages);
        for (var i = 0; i < 4; i++)
        {
            using var aligner = new SpatialStageAligner(Small.GridSize, Small.TokenWidth, teacher.StageGeometries[i]);
            using var aligned = aligner.call(blocks[i]);
            Assert.Equal(teacherStages[i].shape, aligned.shape);
        }
    }

    [Fact]
    public void SpatialAlignerLaysTokensOutRowMajorBeforeUpsampling()
    {
        // With an identity 1x1 conv and BN in eval mode at default statistics, the aligner is a pure
        // layout change plus nearest upsampling (up to BN's epsilon).
        using var aligner = new SpatialStageAligner(grid: 2, dim: 2, StageGeometry.Spatial(2, 4, 4));
        aligner.eval();
        using (no_grad()) aligner.parameters().Last().copy_(eye(2).reshape(2, 2, 1, 1));
        using var block = arange(8, dtype: float32).reshape(1, 4, 2); // token t, channel c = 2t + c
        using var map = aligner.call(block);
        var values = map.data<float>().ToArray();
        var scale = 1 / Math.Sqrt(1 + 1e-5);
        for (var c = 0; c < 2; c++)
        for (var y = 0; y < 4; y++)
        for (var x = 0; x < 4; x++)
        {
            var token = (y / 2) * 2 + x / 2;
            Assert.Equal((2 * token + c) * scale, values[(c * 4 + y) * 4 + x], 4);
        }
    }

    [Fact]
    public void DirectAlignerMapsEachStudentStageToItsTeacherStage()
    {
        manual_seed(12);
        using var student = new TinyTokenBackbone();
        using var teacher = new TinySpatialBackbone();
        using var images = randn(2, 3, 16, 16);
        var (_, studentStages) = student.ForwardWithStages(images);
        var (_, teacherStages) = teacher.ForwardWithStages(images);
        for (var i = 0; i < 4; i++)
        {
            using var toSpatial = new DirectStageAligner(student.StageGeometries[i], teacher.StageGeometries[i]);
            Assert.Equal(teacherStages[i].shape, toSpatial.call(studentStages[i]).shape);
            using var toTokens = new DirectStageAligner(teacher.StageGeometries[i], student.StageGeometries[i]);
            Assert.Equal([2, 16, 24], toTokens.call(teacherStages[i]).shape);
        }
    }
}
