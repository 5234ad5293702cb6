using FofaDsl.Backbones;
using FofaDsl.Stages;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Backbones;

[Collection(TorchCollection.Name)]
public sealed class SwinTransformerTests
{
    [Fact]
    public void Swin_T_has_timms_parameter_count()
    {
        using var model = new SwinTransformer(SwinTransformerOptions.Tiny());
        Assert.Equal(28_288_354L, BackboneAssert.ParameterCount(model));
    }

    [Fact]
    public void Swin_P_has_OFA_KDs_parameter_count()
    {
        using var model = new SwinTransformer(SwinTransformerOptions.Pico());
        Assert.Equal(5_506_996L, BackboneAssert.ParameterCount(model));
    }

    [Fact]
    public void Parameter_names_and_shapes_follow_timm_0_9()
    {
        using var model = new SwinTransformer(SmallOptions());
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        // Widths 16, 32, 64, 128; windows of 2 -> bias tables of (2*2-1)^2 = 9 rows per head.
        Assert.Equal([16L, 3, 2, 2], parameters["patch_embed.proj.weight"]);
        Assert.Equal([16L], parameters["patch_embed.norm.weight"]);
        Assert.Equal([16L], parameters["layers.0.blocks.0.norm1.weight"]);
        Assert.Equal([48L, 16], parameters["layers.0.blocks.1.attn.qkv.weight"]);
        Assert.Equal([16L, 16], parameters["layers.0.blocks.1.attn.proj.weight"]);
        Assert.Equal([9L, 1], parameters["layers.0.blocks.0.attn.relative_position_bias_table"]);
        Assert.Equal([64L], parameters["layers.1.downsample.norm.weight"]);
        Assert.Equal([32L, 64], parameters["layers.1.downsample.reduction.weight"]);
        Assert.Equal([128L, 256], parameters["layers.3.downsample.reduction.weight"]);
        Assert.Equal([9L, 4], parameters["layers.3.blocks.1.attn.relative_position_bias_table"]);
        Assert.Equal([256L, 64], parameters["layers.2.blocks.0.mlp.fc1.weight"]);
        Assert.Equal([64L], parameters["layers.2.blocks.1.mlp.fc2.bias"]);
        Assert.Equal([128L], parameters["layers.3.blocks.1.norm2.bias"]);
        Assert.Equal([128L], parameters["norm.weight"]);
        Assert.Equal([10L, 128], parameters["head.fc.weight"]);
        Assert.Equal([10L], parameters["head.fc.bias"]);
        Assert.DoesNotContain(parameters.Keys, k => k.StartsWith("layers.0.downsample", StringComparison.Ordinal));
        Assert.DoesNotContain("layers.1.downsample.reduction.bias", parameters.Keys);
        Assert.DoesNotContain("layers.0.blocks.2.norm1.weight", parameters.Keys);
    }

    [Fact]
    public void Recomputed_buffers_stay_out_of_the_state_dict_and_follow_moves()
    {
        torch.manual_seed(30);
        using var model = new SwinTransformer(SmallOptions());
        model.eval();
        var parameterCount = model.named_parameters().Count();
        Assert.Equal(parameterCount, model.state_dict().Count);
        using var images = rand(1, 3, 32, 32);
        using var logits = model.call(images);

        // TorchSharp skips non-persistent buffers when converting; the blocks convert their masks.
        Assert.Equal(ScalarType.Float32, model.Layers[0].Blocks[1].AttentionMask!.dtype);
        model.to(ScalarType.Float64);
        Assert.Equal(ScalarType.Float64, model.Layers[0].Blocks[1].AttentionMask!.dtype);
        Assert.Equal(ScalarType.Float64, model.Layers[2].Blocks[1].AttentionMask!.dtype);
        Assert.Null(model.Layers[3].Blocks[1].AttentionMask);
        using var images64 = images.to(ScalarType.Float64);
        using var logits64 = model.call(images64);

        Assert.Equal(ScalarType.Float64, logits64.dtype);
        Assert.True(allclose(logits64.to(ScalarType.Float32), logits, rtol: 1e-4, atol: 1e-5));
        Assert.Equal(parameterCount, model.state_dict().Count);
        Assert.DoesNotContain(model.state_dict().Keys, k => k.EndsWith("attn_mask", StringComparison.Ordinal) || k.EndsWith("_index", StringComparison.Ordinal));
    }

    [Fact]
    public void Swin_T_geometries_at_224()
    {
        using var model = new SwinTransformer(SwinTransformerOptions.Tiny());
        Assert.Equal(StageGeometry.Tokens(96, 56, 56, hasClassToken: false), model.StemGeometry);
        Assert.Equal(
            [
                StageGeometry.Tokens(96, 56, 56, hasClassToken: false),
                StageGeometry.Tokens(192, 28, 28, hasClassToken: false),
                StageGeometry.Tokens(384, 14, 14, hasClassToken: false),
                StageGeometry.Tokens(768, 7, 7, hasClassToken: false),
            ],
            model.StageGeometries);
        Assert.Equal([1L, 3136, 96], model.StageGeometries[0].ShapeFor(1));
        Assert.Equal([1L, 49, 768], model.StageGeometries[3].ShapeFor(1));
    }

    [Fact]
    public void Small_model_shapes_match_geometry()
    {
        torch.manual_seed(31);
        using var model = new SwinTransformer(SmallOptions());

        // Patch grid 32 / 2 = 16, halved by each merging; widths doubled.
        Assert.Equal(StageGeometry.Tokens(16, 16, 16, hasClassToken: false), model.StemGeometry);
        Assert.Equal(
            [
                StageGeometry.Tokens(16, 16, 16, hasClassToken: false),
                StageGeometry.Tokens(32, 8, 8, hasClassToken: false),
                StageGeometry.Tokens(64, 4, 4, hasClassToken: false),
                StageGeometry.Tokens(128, 2, 2, hasClassToken: false),
            ],
            model.StageGeometries);
        BackboneAssert.RealShapesMatchGeometry(model, rand(2, 3, 32, 32), classes: 10);
    }

    [Fact]
    public void Swin_P_runs_at_224()
    {
        torch.manual_seed(32);
        using var model = new SwinTransformer(SwinTransformerOptions.Pico());
        model.eval();
        Assert.Equal([1L, 3136, 48], model.StageGeometries[0].ShapeFor(1));
        Assert.Equal([1L, 49, 384], model.StageGeometries[3].ShapeFor(1));
        using var noGrad = torch.no_grad();
        BackboneAssert.RealShapesMatchGeometry(model, rand(1, 3, 224, 224), classes: 1000);
    }

    [Fact]
    public void Windows_are_clamped_and_unshifted_where_they_cover_the_grid()
    {
        using var tiny = new SwinTransformer(SwinTransformerOptions.Tiny());
        // Resolutions 56, 28, 14, 7 with window 7: only the last layer covers its whole grid.
        Assert.Equal([0, 3], tiny.Layers[0].Blocks.Select(b => b.ShiftSize));
        Assert.Equal([0, 3, 0, 3, 0, 3], tiny.Layers[2].Blocks.Select(b => b.ShiftSize));
        Assert.Equal([0, 0], tiny.Layers[3].Blocks.Select(b => b.ShiftSize));
        Assert.All(tiny.Layers.SelectMany(l => l.Blocks), b => Assert.Equal(7, b.WindowSize));

        // Window 4 on resolutions 16, 8, 4, 2: layer 2 just covers its grid, layer 3's window shrinks to 2.
        var options = SmallOptions() with { WindowSize = 4 };
        Assert.Equal([4, 4, 4, 2], Enumerable.Range(0, 4).Select(options.LayerWindowSize));
        Assert.Equal([2, 2, 0, 0], Enumerable.Range(0, 4).Select(options.LayerShiftSize));
        using var model = new SwinTransformer(options);
        Assert.Equal([0, 2], model.Layers[1].Blocks.Select(b => b.ShiftSize));
        Assert.Equal([0, 0], model.Layers[2].Blocks.Select(b => b.ShiftSize));
        Assert.Equal([2, 2], model.Layers[3].Blocks.Select(b => b.WindowSize));
    }

    [Fact]
    public void Stages_together_equal_the_plain_forward()
    {
        torch.manual_seed(33);
        using var model = new SwinTransformer(SmallOptions());
        model.eval();
        using var images = rand(2, 3, 32, 32);
        using var plain = model.call(images);
        var (logits, stages) = model.ForwardWithStages(images);
        Assert.True(allclose(plain, logits));
        foreach (var stage in stages) stage.Dispose();
        logits.Dispose();
    }

    [Fact]
    public void Stage_rejects_tokens_of_the_wrong_geometry()
    {
        using var model = new SwinTransformer(SmallOptions());
        using var tokens = zeros(1, 64, 16);
        var error = Assert.Throws<ArgumentException>(() => model.ForwardStage(2, tokens));
        Assert.Contains("[B, 256, 16]", error.Message);
    }

    [Fact]
    public void Gradient_from_logits_reaches_the_patch_embedding_and_the_bias_tables()
    {
        torch.manual_seed(34);
        using var model = new SwinTransformer(SmallOptions());
        BackboneAssert.GradientReaches(model, rand(2, 3, 32, 32),
            "patch_embed.proj.weight",
            "layers.0.blocks.1.attn.relative_position_bias_table",
            "layers.3.blocks.0.attn.relative_position_bias_table",
            "layers.2.downsample.reduction.weight");
    }

    [Fact]
    public void Stochastic_depth_rates_rise_linearly_over_all_blocks()
    {
        // 8 blocks, rate 0.7: block k of the whole network gets 0.7 * k / 7 = 0.1 * k.
        using var model = new SwinTransformer(SmallOptions() with { DropPathRate = 0.7 });
        var rates = model.Layers.SelectMany(l => l.Blocks).Select(b => b.DropPathRate).ToArray();
        Assert.Equal(8, rates.Length);
        for (var k = 0; k < 8; k++) Assert.Equal(0.1 * k, rates[k], 1e-12);
    }

    [Fact]
    public void Stochastic_depth_drops_whole_samples_in_training_only()
    {
        torch.manual_seed(35);
        using var block = new SwinTransformerBlock(dim: 8, heads: 2, resolution: 4, window: 2, shift: 1, mlpHiddenDim: 16, dropPathRate: 0.5);
        using var noGrad = torch.no_grad();
        // 64 copies of one grid: per-sample drops make copies differ; with both branches dropped
        // (probability 1/4 each) a copy comes out exactly equal to its input.
        using var one = randn(1, 4, 4, 8);
        using var input = one.expand(64, -1, -1, -1).contiguous();

        block.train();
        using var trained = block.call(input);
        var unchanged = Enumerable.Range(0, 64).Count(i => trained[i].eq(one[0]).all().item<bool>());
        Assert.InRange(unchanged, 1, 63);

        block.eval();
        using var evaluated = block.call(input);
        Assert.True(evaluated.eq(evaluated[0]).all().item<bool>());
        Assert.False(evaluated[0].eq(one[0]).all().item<bool>());
    }

    [Fact]
    public void Image_size_must_be_a_multiple_of_eight_patches()
    {
        // Patch 2: the grid must survive three halvings, so the image must be a multiple of 16.
        var error = Assert.Throws<ArgumentException>(() => new SwinTransformer(SmallOptions() with { ImageSize = 40 }));
        Assert.Equal("ImageSize", error.ParamName);
        Assert.Contains("ImageSize 40", error.Message);
        Assert.Contains("PatchSize * 8 = 16", error.Message);
    }

    [Fact]
    public void Stage_resolution_must_be_a_multiple_of_the_window()
    {
        // Image 48, patch 2: resolutions 24, 12, 6, 3; window 5 does not divide 24.
        var error = Assert.Throws<ArgumentException>(() => new SwinTransformer(SmallOptions() with { ImageSize = 48, WindowSize = 5 }));
        Assert.Equal("WindowSize", error.ParamName);
        Assert.Contains("Stage 1 resolution 24x24", error.Message);
        Assert.Contains("window 5", error.Message);
    }

    [Fact]
    public void Heads_must_divide_each_stage_width()
    {
        var error = Assert.Throws<ArgumentException>(() => new SwinTransformer(SmallOptions() with { Heads = [1, 2, 3, 4] }));
        Assert.Equal("Heads", error.ParamName);
        Assert.Contains("stage 3", error.Message);
        Assert.Throws<ArgumentException>(() => new SwinTransformer(SmallOptions() with { Depths = [1, 1, 1] }));
    }

    [Fact]
    public void Legacy_keys_move_patch_merging_to_the_next_layer_and_the_classifier_into_the_head()
    {
        string[] legacy =
        [
            "patch_embed.proj.weight",
            "layers.0.blocks.1.attn.relative_position_index",
            "layers.0.blocks.1.attn_mask",
            "layers.0.blocks.1.attn.relative_position_bias_table",
            "layers.0.downsample.norm.weight",
            "layers.0.downsample.reduction.weight",
            "layers.2.downsample.norm.bias",
            "layers.3.blocks.1.mlp.fc2.bias",
            "norm.weight",
            "head.weight",
            "head.bias",
        ];
        var expected = new Dictionary<string, string>
        {
            ["patch_embed.proj.weight"] = "patch_embed.proj.weight",
            ["layers.0.blocks.1.attn.relative_position_bias_table"] = "layers.0.blocks.1.attn.relative_position_bias_table",
            ["layers.0.downsample.norm.weight"] = "layers.1.downsample.norm.weight",
            ["layers.0.downsample.reduction.weight"] = "layers.1.downsample.reduction.weight",
            ["layers.2.downsample.norm.bias"] = "layers.3.downsample.norm.bias",
            ["layers.3.blocks.1.mlp.fc2.bias"] = "layers.3.blocks.1.mlp.fc2.bias",
            ["norm.weight"] = "norm.weight",
            ["head.weight"] = "head.fc.weight",
            ["head.bias"] = "head.fc.bias",
        };

        var mapped = SwinTransformer.RemapLegacyKeys(legacy);

        Assert.Equal(expected.OrderBy(p => p.Key), mapped.OrderBy(p => p.Key));
    }

    [Fact]
    public void Current_keys_are_kept_as_they_are()
    {
        string[] current = ["layers.1.downsample.norm.weight", "head.fc.weight", "head.fc.bias"];
        var mapped = SwinTransformer.RemapLegacyKeys(current);
        Assert.All(current, key => Assert.Equal(key, mapped[key]));
    }

    [Fact]
    public void Remapped_legacy_state_dict_names_equal_the_models()
    {
        using var model = new SwinTransformer(SmallOptions());
        var names = model.state_dict().Keys.ToList();
        // The timm 0.6 layout written by hand: merging at the end of the previous layer, a bare
        // head Linear, plus the buffers that old checkpoints stored.
        var legacy = names.Select(name =>
        {
            if (name.StartsWith("head.fc.", StringComparison.Ordinal)) return "head." + name["head.fc.".Length..];
            for (var layer = 1; layer <= 3; layer++)
            {
                var prefix = $"layers.{layer}.downsample.";
                if (name.StartsWith(prefix, StringComparison.Ordinal)) return $"layers.{layer - 1}.downsample." + name[prefix.Length..];
            }
            return name;
        }).Concat(["layers.0.blocks.0.attn.relative_position_index", "layers.0.blocks.1.attn_mask"]).ToList();
        Assert.DoesNotContain("head.fc.weight", legacy);

        var mapped = SwinTransformer.RemapLegacyKeys(legacy);

        Assert.Equal(names.Order(), mapped.Values.Order());
    }

    private static SwinTransformerOptions SmallOptions() => new()
    {
        NumClasses = 10, InputChannels = 3, ImageSize = 32, PatchSize = 2, WindowSize = 2, EmbedDim = 16,
        Depths = [2, 2, 2, 2], Heads = [1, 2, 2, 4],
    };
}
