using FofaDsl.Backbones;
using FofaDsl.Generators.Parsing;

namespace FofaDsl.Generators.Tests;

/// <summary>The generator mirrors the attributes' defaults; these tests keep the two in step.</summary>
public sealed class DefaultsTests
{
    [Fact]
    public void Model_defaults_match_the_attribute()
    {
        var teacher = new TeacherAttribute(Architecture.ResNet18);
        Assert.Equal(Defaults.Stem, teacher.Stem.ToString());
        Assert.Equal(Defaults.BaseWidth, teacher.BaseWidth);
        Assert.Equal(Defaults.PatchSize, teacher.PatchSize);
        Assert.Equal(Defaults.EmbedDim, teacher.EmbedDim);
        Assert.Equal(Defaults.Depth, teacher.Depth);
        Assert.Equal(Defaults.Heads, teacher.Heads);
    }

    [Fact]
    public void Fofa_weights_and_schedule_defaults_match_the_attributes()
    {
        var fofa = new FofaAttribute();
        Assert.Equal(Defaults.Queries, fofa.Queries);
        Assert.Equal(Defaults.TokenWidth, fofa.TokenWidth);
        Assert.Equal(Defaults.AttentionHeads, fofa.Heads);
        Assert.Equal([1, 2, 3, 4], fofa.PromptStages);

        var weights = new LossWeightsAttribute();
        Assert.All(new[] { weights.CrossEntropy, weights.LogitKd, weights.Feature, weights.PromptRegularisation }, w => Assert.Equal(Defaults.LossWeight, w));
        Assert.Equal(Defaults.Temperature, weights.Temperature);
        Assert.Equal(Defaults.LabelSmoothing, weights.LabelSmoothing);

        var schedule = new ScheduleAttribute();
        Assert.Equal(Defaults.Epochs, schedule.Epochs);
        Assert.Equal(Defaults.TeacherEpochs, schedule.TeacherEpochs);
        Assert.Equal(Defaults.BatchSize, schedule.BatchSize);
        Assert.Equal(Defaults.Optimizer, schedule.Optimizer.ToString());
        Assert.Equal(Defaults.LearningRate, schedule.LearningRate);
        Assert.Equal(Defaults.MinLearningRate, schedule.MinLearningRate);
        Assert.Equal(Defaults.WeightDecay, schedule.WeightDecay);
        Assert.Equal(Defaults.Momentum, schedule.Momentum);
        Assert.Equal(Defaults.WarmupEpochs, schedule.WarmupEpochs);
    }

    [Fact]
    public void Architecture_values_match_the_enum()
    {
        foreach (var value in Enum.GetValues<Architecture>())
            Assert.Equal(value.ToString(), Model.ArchitectureNames.FromValue((int)value));
        Assert.Equal(nameof(ResNetStem.Cifar), Enum.GetName((ResNetStem)1));
    }

    [Theory]
    [InlineData(12)]
    [InlineData(4)]
    [InlineData(6)]
    [InlineData(5)]
    [InlineData(24)]
    public void Vit_stage_cuts_match_the_runtime(int depth) =>
        Assert.Equal(VisionTransformerOptions.DefaultStageEnds(depth), StageShapes.VisionTransformerStageEnds(depth).ToArray());
}
