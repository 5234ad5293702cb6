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
            .Where(p => p.CanWrite && p.Name is not (nameof(ModelAttribute.Weights) or nameof(ModelAttribute.Classes) or nameof(ModelAttribute.InputChannels)))
            .Select(p => p.Name).Order());
    }

    [Fact]
    public void Method_settings_and_defaults_match_the_attributes()
    {
        foreach (var method in MethodCatalog.Terms)
        {
            var type = typeof(ExperimentAttribute).Assembly.GetType(method.AttributeName)!;
            Assert.True(type is not null, method.AttributeName);
            var attribute = System.Activator.CreateInstance(type)!;
            var settable = type.GetProperties().Where(p => p.CanWrite && p.Name != nameof(DistillationMethodAttribute.Run)).Select(p => p.Name).Order();
            Assert.Equal(settable, method.Settings.Select(s => s.Name).Order());
            foreach (var setting in method.Settings)
            {
                var value = type.GetProperty(setting.Name)!.GetValue(attribute);
                switch (value)
                {
                    case double d: Assert.Equal(setting.Default, d); break;
                    case int i when setting.Rule == SettingRule.Count: Assert.Equal(setting.Default, i); break;
                    case int[] stages: Assert.Equal([1, 2, 3, 4], stages); break;
                    case bool b: Assert.False(b); break;
                    default: Assert.Fail($"{method.AttributeName}.{setting.Name} has an unexpected type"); break;
                }
            }
        }
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
    public void The_catalogs_know_every_enum_member_by_name()
    {
        // The generator reads enum arguments by member name from the symbols, so only the names must agree.
        // Architectures come from the referenced assembly's [Preset]s: every member has one, read by name.
        var compilation = GeneratorHarness.Compile("");
        Assert.Equal(Enum.GetNames<Architecture>().Order(), ArchitectureCatalog.All(compilation).Select(a => a.Name).Order());
        foreach (var name in Enum.GetNames<Architecture>()) Assert.Equal(name, ArchitectureCatalog.FromName(compilation, name)?.Name);
        Assert.Null(ArchitectureCatalog.FromName(compilation, "ResNet50"));
        foreach (var name in Enum.GetNames<DatasetKind>()) Assert.Equal(name, DatasetCatalog.FromName(name)?.Name);
        Assert.Equal(DatasetCatalog.Count, Enum.GetNames<DatasetKind>().Length);
        Assert.Equal(["Cifar", "ImageNet"], Enum.GetNames<ResNetStem>().Order());
        Assert.Equal(["CnnRecipe", "Flip", "None", "VitRecipe"], Enum.GetNames<AugmentationKind>().Order());
        Assert.Equal(["AdamW", "Sgd"], Enum.GetNames<OptimizerKind>().Order());
        Assert.Equal(["Cosine", "Step"], Enum.GetNames<LearningRateDecay>().Order());
        Assert.Equal(["Student", "Teacher"], Enum.GetNames<ModelRole>().Order());
    }
}
