using System.Collections.Generic;
using System.Linq;
using FofaDsl.Generators.Model;
using static FofaDsl.Generators.Emitting.Literals;

namespace FofaDsl.Generators.Emitting;

/// <summary>Writes the experiment's <c>Spec</c>: every resolved setting as a constant, and each model's stage shapes.</summary>
internal static class SpecEmitter
{
    private const string Geometry = "global::FofaDsl.Stages.StageGeometry";

    public static void EmitSpec(SourceWriter w, ExperimentSpec spec)
    {
        w.Line($"/// <summary>Every resolved setting and computed stage shape of experiment <c>{Xml(spec.Name)}</c>.</summary>");
        w.Open("public static class Spec");
        Constant(w, "string", "Name", String(spec.Name), "Experiment name: output folder and reports.");
        Constant(w, "string", "Fingerprint", "\"" + ExperimentEmitter.FingerprintPlaceholder + "\"", "Hash of the resolved declaration: checkpoints and manifests carry it, and a checkpoint of another declaration is refused.");
        Constant(w, "int", "Seed", Int(spec.Seed), "Seed of every random choice.");
        Constant(w, "int", "ImageSize", Int(spec.Data.ImageSize), "Side of the square images both models see.");
        Constant(w, "int", "InputChannels", Int(spec.Data.InputChannels), "Image channels of the dataset.");
        Constant(w, "int", "Classes", Int(spec.Data.Classes), "Classes of the dataset and of both heads.");
        if (spec.Teacher is not null) Constant(w, "string", "Teacher", String(spec.Teacher.DisplayName), "The teacher architecture.");
        Constant(w, "string", "Student", String(spec.Student.DisplayName), "The student architecture.");
        // A FOFA setting is a Spec constant only when every FOFA run agrees on it; each run's own are in its Create<Run>Options().
        if (Common(spec, f => f.Queries) is { } queries) Constant(w, "int", "Queries", Int(queries), "RAA queries N over all four stages.");
        if (Common(spec, f => f.Grid) is { } grid) Constant(w, "int", "RegionGrid", Int(grid), "Side g of each stage's RAA grid, sqrt(N / 4).");
        if (Common(spec, f => f.TokenWidth) is { } width) Constant(w, "int", "TokenWidth", Int(width), "RAA token width d.");
        if (Common(spec, f => f.Heads) is { } heads) Constant(w, "int", "AttentionHeads", Int(heads), "RAA attention heads.");
        Constant(w, "string", "Device", String(spec.Device), "Device to train on: auto, cpu, cuda or cuda:N.");
        if (spec.Output is not null) Constant(w, "string", "Output", String(spec.Output), "Output folder of runs.");
        Constant(w, "int", "CheckpointEverySteps", Int(spec.CheckpointEverySteps), "Steps between mid-epoch checkpoints (0: epoch ends only).");
        EmitDataConstants(w, spec.Data);
        EmitScheduleConstants(w, spec.Schedule);
        EmitWeightConstants(w, spec.Weights);
        w.Line();
        w.Line("/// <summary>The declared runs, in order: the values of <c>--methods</c>.</summary>");
        w.Line($"public static global::System.Collections.Generic.IReadOnlyList<string> Methods {{ get; }} = [{string.Join(", ", spec.Runs.Select(r => String(r.Name)))}];");
        var promptStages = spec.FofaSettings.Select(f => f.HasPrompts ? f.PromptStages : EquatableArray<int>.Empty).Distinct().ToList();
        if (promptStages.Count == 1)
        {
            w.Line("/// <summary>Teacher stages that get an adaptive feedback prompt before them.</summary>");
            w.Line($"public static global::System.Collections.Generic.IReadOnlyList<int> PromptStages {{ get; }} = {IntArray(promptStages[0])};");
        }
        if (spec.Teacher is not null) EmitGeometries(w, spec.Teacher);
        EmitGeometries(w, spec.Student);
        w.Close();
    }

    private static void EmitDataConstants(SourceWriter w, DataSpec data)
    {
        Constant(w, "global::FofaDsl.DatasetKind", "Dataset", "global::FofaDsl.DatasetKind." + data.Dataset, "The dataset.");
        Constant(w, "string?", "DataPath", String(data.Path), "Folder of the dataset files; null for the embedded Fashion-MNIST subset (or --data at run time).");
        Constant(w, "int", "TrainLimit", Int(data.TrainLimit), "At most this many training images, class-balanced (0: all).");
        Constant(w, "global::FofaDsl.AugmentationKind", "Augmentation", "global::FofaDsl.AugmentationKind." + data.Augmentation, "Training augmentation.");
    }

    private static void EmitScheduleConstants(SourceWriter w, ScheduleSpec schedule)
    {
        Constant(w, "int", "Epochs", Int(schedule.Epochs), "Student training epochs.");
        Constant(w, "int", "TeacherEpochs", Int(schedule.TeacherEpochs), "Teacher training epochs when no weights are given.");
        Constant(w, "int", "BatchSize", Int(schedule.BatchSize), "Mini-batch size.");
        Constant(w, "global::FofaDsl.OptimizerKind", "Optimizer", "global::FofaDsl.OptimizerKind." + schedule.Optimizer, "Optimizer.");
        Constant(w, "double", "LearningRate", Double(schedule.LearningRate), "Peak learning rate.");
        Constant(w, "double", "MinLearningRate", Double(schedule.MinLearningRate), "Final learning rate of the cosine decay.");
        Constant(w, "double", "WeightDecay", Double(schedule.WeightDecay), "Weight decay (not applied to biases and other 1-D parameters).");
        Constant(w, "double", "Momentum", Double(schedule.Momentum), "SGD momentum.");
        Constant(w, "int", "WarmupEpochs", Int(schedule.WarmupEpochs), "Epochs of linear learning-rate warm-up.");
        Constant(w, "global::FofaDsl.LearningRateDecay", "Decay", "global::FofaDsl.LearningRateDecay." + schedule.Decay, "Learning-rate decay after the warm-up.");
        Constant(w, "int", "DecayEveryEpochs", Int(schedule.DecayEveryEpochs), "Step decay: epochs between decays.");
        Constant(w, "double", "DecayFactor", Double(schedule.DecayFactor), "Step decay: factor of each decay.");
        Constant(w, "double", "GradientClip", Double(schedule.GradientClip), "Gradient-norm clip (0: off).");
        Constant(w, "double", "EmaDecay", Double(schedule.EmaDecay), "Decay of the model EMA (0: off).");
    }

    private static void EmitWeightConstants(SourceWriter w, LossWeightsSpec weights)
    {
        Constant(w, "double", "CrossEntropyWeight", Double(weights.CrossEntropy), "Weight of the student's cross-entropy.");
        Constant(w, "double", "LogitKdWeight", Double(weights.LogitKd), "FOFA: weight of the logit KD term.");
        Constant(w, "double", "FeatureWeight", Double(weights.Feature), "FOFA: weight of the HCL feature loss.");
        Constant(w, "double", "PromptRegularisationWeight", Double(weights.PromptRegularisation), "FOFA: weight of the prompt regularisation.");
        Constant(w, "double", "Temperature", Double(weights.Temperature), "FOFA: logit KD temperature.");
        Constant(w, "double", "LabelSmoothing", Double(weights.LabelSmoothing), "Label smoothing of the cross-entropy.");
    }

    private static void EmitGeometries(SourceWriter w, ModelSpec model)
    {
        w.Line();
        if (!model.IsTapped)
        {
            w.Line($"/// <summary>{model.Role} stem output, the input of stage 1: <c>{model.StemShape.TensorShape}</c>, {model.StemShape.Description}.</summary>");
            w.Line($"public static {Geometry} {model.Role}Stem {{ get; }} = {model.StemShape.RuntimeExpression};");
        }
        var names = new List<string>();
        for (var i = 0; i < model.Stages.Count; i++)
        {
            var shape = model.Stages[i];
            var name = $"{model.Role}Stage{i + 1}";
            names.Add(name);
            w.Line($"/// <summary>{model.Role} stage {i + 1} output: <c>{shape.TensorShape}</c>, {shape.Description}.</summary>");
            w.Line($"public static {Geometry} {name} {{ get; }} = {shape.RuntimeExpression};");
        }
        w.Line($"/// <summary>{model.Role} stage outputs 1..4 in order.</summary>");
        w.Line($"public static global::System.Collections.Generic.IReadOnlyList<{Geometry}> {model.Role}Stages {{ get; }} = [{string.Join(", ", names)}];");
    }

    private static void Constant(SourceWriter w, string type, string name, string value, string doc)
    {
        w.Line($"/// <summary>{Xml(doc)}</summary>");
        w.Line($"public const {type} {name} = {value};");
    }

    /// <summary>The value every FOFA run has for a setting, or null when there is no FOFA run or they differ.</summary>
    private static int? Common(ExperimentSpec spec, System.Func<FofaSpec, int> setting)
    {
        var values = spec.FofaSettings.Select(setting).Distinct().ToList();
        return values.Count == 1 ? values[0] : null;
    }
}
