using FofaDsl.Backbones;
using FofaDsl.Generators.Parsing;

namespace FofaDsl.Generators.Tests;

/// <summary>The generator mirrors the attributes' defaults; these tests keep the two in step.</summary>
public sealed class DefaultsTests
{
    [Fact]
    public void Model_knobs_are_unset_by_default_so_the_architecture_decides()
    {
        var teacher = new TeacherAttribute(Architecture.ResNet18);
        Assert.Equal(Defaults.Stem, teacher.Stem.ToString());
        Assert.All(new[] { teacher.BaseWidth, teacher.PatchSize, teacher.EmbedDim, teacher.Depth, teacher.Heads, teacher.WindowSize }, v => Assert.Equal(0, v));
        Assert.Equal(ArchitectureCatalog.AllKnobs.Order(), typeof(ModelAttribute).GetProperties()
            .Where(p => p.CanWrite && p.Name != nameof(ModelAttribute.Weights)).Select(p => p.Name).Order());
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
        Assert.Equal(Defaults.DecayEveryEpochs, schedule.DecayEveryEpochs);
        Assert.Equal(Defaults.DecayFactor, schedule.DecayFactor);
        Assert.Equal(LearningRateDecay.Cosine, schedule.Decay);
        Assert.Equal(0, schedule.GradientClip);
        Assert.Equal(0, schedule.EmaDecay);
    }

    [Fact]
    public void Architecture_values_match_the_enum()
    {
        var values = Enum.GetValues<Architecture>();
        Assert.Equal(values.Length, ArchitectureCatalog.All.Count);
        foreach (var value in values)
            Assert.Equal(value.ToString(), ArchitectureCatalog.FromValue((int)value)?.Name);
        Assert.Equal(nameof(ResNetStem.Cifar), Enum.GetName((ResNetStem)1));
    }
}
