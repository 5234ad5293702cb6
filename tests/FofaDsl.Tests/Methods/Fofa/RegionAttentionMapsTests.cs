using FofaDsl.Methods.Fofa;
using FofaDsl.Tests.TestModels;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.Fofa;

/// <summary>RAA's attention probabilities, exposed for Figure 3, are exactly what its forward pass applies.</summary>
[Collection(TorchCollection.Name)]
public sealed class RegionAttentionMapsTests
{
    private static readonly FofaOptions Small = new(Queries: 16, TokenWidth: 16, Heads: 2);

    [Fact]
    public void The_probabilities_times_the_values_give_the_forward_output()
    {
        manual_seed(40);
        using var student = new TinySpatialBackbone();
        using var raa = new RegionAwareAttention(student.StageGeometries, Small);
        raa.eval();
        using var scope = NewDisposeScope();
        var (_, stages) = student.ForwardWithStages(randn(2, 3, 16, 16));

        var probabilities = raa.AttentionProbabilities(stages);
        Assert.Equal([2L, 2, 16, 16], probabilities.shape);
        Assert.True(probabilities.sum(-1).allclose(ones(2, 2, 16), atol: 1e-5));

        // V by hand: the same tokens, norm and KV projection as the forward pass, without the position code.
        var tokens = cat(stages.Select((s, i) => raa.Projectors[i].call(s)).ToArray(), 1);
        var v = raa.ToKeyValue.call(raa.Norm.call(tokens)).chunk(2, -1)[1];
        var perHead = v.reshape(2, 16, 2, 8).transpose(1, 2);
        var expected = probabilities.matmul(perHead).transpose(1, 2).reshape(2, 16, 16);
        Assert.True(cat(raa.call(stages), 1).allclose(expected, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Stage_key_maps_split_each_images_attention_over_the_four_stage_grids()
    {
        // Image 0: every query looks only at key 5 (stage 2, grid row 0, column 1).
        var probabilities = zeros(1, 2, 16, 16);
        probabilities[.., .., .., 5] = tensor(1f);
        using var maps = new RegionAttentionMaps(probabilities, GridSize: 2);
        var stageMaps = maps.StageKeyMaps(0);
        Assert.Equal([4L, 2, 2], stageMaps.shape);
        Assert.Equal(1f, stageMaps[1, 0, 1].item<float>(), 5);
        Assert.Equal(1f, stageMaps.sum().item<float>(), 5);
        Assert.Equal([16L, 16], maps.Matrix(0).shape);
        Assert.Equal(16f, maps.Matrix(0)[.., 5].sum().item<float>(), 4);
    }

    [Fact]
    public void The_fofa_modules_report_attention_only_with_region_aware_attention_and_changes_no_feedback()
    {
        manual_seed(41);
        using var teacher = new TinyTokenBackbone();
        using var student = new TinySpatialBackbone();
        using var fofa = new FofaModules(teacher, student, Small);
        fofa.eval();
        student.eval();
        using var images = randn(3, 3, 16, 16);
        using var maps = fofa.RegionAttentionFor(student, images);
        Assert.NotNull(maps);
        Assert.Equal(3, maps.Images);
        Assert.Equal(2, maps.GridSize);
        Assert.False(fofa.PromptFor(1)!.HasFeedback);

        using var ablation = new FofaModules(new TinyTokenBackbone(), new TinySpatialBackbone(), Small with { UseRegionAwareAttention = false });
        Assert.Null(ablation.RegionAttentionFor(student, images));
    }
}
