using System.Linq;
using FofaDsl.Generators.Model;
using static FofaDsl.Generators.Emitting.Literals;

namespace FofaDsl.Generators.Emitting;

/// <summary>Writes the factories of the teacher and the student (built-in presets, user modules, tapped modules) and of the declared loss weights and schedule.</summary>
internal static class FactoryEmitter
{
    public static void EmitFactories(SourceWriter w, ExperimentSpec spec)
    {
        if (spec.Teacher is not null)
        {
            EmitModelFactory(w, spec.Teacher);
            w.Line();
        }
        EmitModelFactory(w, spec.Student);
        w.Line();

        EmitSettings(w);

    }

    private static void EmitModelFactory(SourceWriter w, ModelSpec model)
    {
        if (model.Taps is { } taps)
        {
            w.Line($"/// <summary>Builds a fresh {model.Role.ToLowerInvariant()}: {Xml(model.DisplayName)}, its stages read from {string.Join(", ", taps.Members.Select(member => $"<c>{Xml(member)}</c>"))}.</summary>");
            w.Open($"public static {model.RuntimeType} Create{model.Role}()");
            w.Line($"var model = new {taps.ModelType}({(taps.ParameterlessConstructor ? "" : "Spec.Classes, Spec.ImageSize, Spec.InputChannels")});");
            w.Line($"return new(model, Spec.Classes, [{string.Join(", ", taps.Members.Select(m => "model." + m))}], Spec.{model.Role}Stages);");
            w.Close();
            return;
        }
        if (model.Family == ModelFamily.Custom)
        {
            w.Line($"/// <summary>Builds a fresh {model.Role.ToLowerInvariant()}: {Xml(model.DisplayName)}, checked against its <c>[StageGeometry]</c>.</summary>");
            w.Line($"public static {model.RuntimeType} Create{model.Role}() =>");
            w.Line($"    global::FofaDsl.Backbones.DeclaredStages.Verify(new {model.RuntimeType}({OptionsExpression(model)}), Spec.{model.Role}Stem, Spec.{model.Role}Stages);");
            return;
        }
        w.Line($"/// <summary>Builds a fresh {model.Role.ToLowerInvariant()}: {Xml(model.DisplayName)}.</summary>");
        w.Line($"public static {model.RuntimeType} Create{model.Role}() => new({OptionsExpression(model)});");
    }

    /// <summary>
    /// The options record of the model: its preset's factory (named by the architecture's <c>[Preset]</c>) at the data's
    /// classes, size and channels, with the knobs the preset lets a declaration set.
    /// </summary>
    private static string OptionsExpression(ModelSpec model)
    {
        const string Data = "Spec.Classes, Spec.ImageSize, Spec.InputChannels";
        if (model.Family == ModelFamily.Custom) return Data;
        var factory = $"{model.RuntimeType}Options.{model.OptionsFactory}(numClasses: Spec.Classes, imageSize: Spec.ImageSize, inputChannels: Spec.InputChannels)";
        var knobs = model.Knobs.Select(knob => knob switch
        {
            "Stem" => $"Stem = global::FofaDsl.Backbones.ResNetStem.{model.Stem}",
            // ConvNeXt's width knob sets the four stage widths, doubling from stage to stage.
            "BaseWidth" when model.Family == ModelFamily.ConvNeXt =>
                $"Dims = [{Int(model.BaseWidth)}, {Int(model.BaseWidth * 2)}, {Int(model.BaseWidth * 4)}, {Int(model.BaseWidth * 8)}]",
            "BaseWidth" => $"BaseWidth = {Int(model.BaseWidth)}",
            "PatchSize" => $"PatchSize = {Int(model.PatchSize)}",
            "EmbedDim" => $"EmbedDim = {Int(model.EmbedDim)}",
            "Depth" => $"Depth = {Int(model.Depth)}",
            "Heads" => $"Heads = {Int(model.Heads)}",
            _ => $"WindowSize = {Int(model.WindowSize)}",
        }).ToList();
        return knobs.Count == 0 ? factory : $"{factory} with {{ {string.Join(", ", knobs)} }}";
    }

    private static void EmitSettings(SourceWriter w)
    {
        w.Line("/// <summary>The declared loss weights, temperature and label smoothing.</summary>");
        w.Line("public static global::FofaDsl.Methods.FofaLossWeights CreateLossWeights() => new()");
        w.Line("{");
        w.Line("    CrossEntropy = Spec.CrossEntropyWeight,");
        w.Line("    LogitKd = Spec.LogitKdWeight,");
        w.Line("    Feature = Spec.FeatureWeight,");
        w.Line("    PromptRegularisation = Spec.PromptRegularisationWeight,");
        w.Line("    Temperature = Spec.Temperature,");
        w.Line("    LabelSmoothing = Spec.LabelSmoothing,");
        w.Line("};");
        w.Line();
        w.Line("/// <summary>The declared student schedule.</summary>");
        w.Line("public static global::FofaDsl.Training.TrainingSchedule CreateSchedule() => new(");
        w.Line("    Spec.Epochs, Spec.BatchSize, Spec.Optimizer, Spec.LearningRate, Spec.MinLearningRate, Spec.WeightDecay, Spec.Momentum, Spec.WarmupEpochs)");
        w.Line("{");
        w.Line("    Decay = Spec.Decay,");
        w.Line("    DecayEveryEpochs = Spec.DecayEveryEpochs,");
        w.Line("    DecayFactor = Spec.DecayFactor,");
        w.Line("    GradientClip = Spec.GradientClip,");
        w.Line("    EmaDecay = Spec.EmaDecay,");
        w.Line("};");
    }
}
