using System.Globalization;
using FofaDsl.Generators.Diagnostics;
using FofaDsl.Generators.Model;

namespace FofaDsl.Generators.Parsing;

/// <summary>The data, loss-weight and schedule declarations.</summary>
internal sealed partial class ExperimentParser
{
    private DataSpec ParseData(AttributeReader? data)
    {
        var dataset = DatasetCatalog.FashionMnist;
        string? path = null;
        var trainLimit = 0;
        var classes = dataset.Classes;
        var imageSize = dataset.ImageSize;
        if (data is not null)
        {
            if (data.ConstructorEnum(0) is { } kind)
            {
                if (DatasetCatalog.FromName(kind.Member) is { } known) dataset = known;
                else Report(DiagnosticCatalog.UnknownEnumValue, data.LocationOfConstructorArgument(0), "DatasetKind", kind.Number);
            }
            classes = dataset.Classes;
            imageSize = dataset.ImageSize;
            var declaredClasses = data.Int("Classes", 0);
            if (dataset.Classes == 0 && declaredClasses <= 0)
                Report(DiagnosticCatalog.ValueOutOfRange, data.LocationOf("Classes"), "Classes", declaredClasses, $"{dataset.Name} needs the class count of its folders, e.g. Classes = 100");
            else if (dataset.Classes > 0 && data.Has("Classes") && declaredClasses != dataset.Classes)
                Report(DiagnosticCatalog.ValueOutOfRange, data.LocationOf("Classes"), "Classes", declaredClasses, $"{dataset.Name} has {dataset.Classes} classes");
            else if (dataset.Classes == 0) classes = declaredClasses;
            if (dataset.NeedsPath && data.String("Path", null) is null)
                Report(DiagnosticCatalog.ValueOutOfRange, data.Location, "Path", "null", $"{dataset.Name} is not embedded: give its folder with Path = \"...\" (or pass --data at run time)");
            var declaredSize = data.Int("ImageSize", 0);
            if (declaredSize < 0 || declaredSize > 4096)
                Report(DiagnosticCatalog.ValueOutOfRange, data.LocationOf("ImageSize"), "ImageSize", declaredSize, "use 0 for the dataset's own size, or a side length from 1 to 4096");
            else if (declaredSize > 0) imageSize = declaredSize;
            path = data.String("Path", null);
            trainLimit = data.Int("TrainLimit", 0);
            if (trainLimit < 0) Report(DiagnosticCatalog.ValueOutOfRange, data.LocationOf("TrainLimit"), "TrainLimit", trainLimit, "use 0 for all images or a positive count");
        }
        var augmentation = "Flip";
        if (data?.Enum("Augmentation") is { } kindOfAugmentation)
        {
            if (kindOfAugmentation.OneOf("Flip", "None", "CnnRecipe", "VitRecipe") is { } name) augmentation = name;
            else Report(DiagnosticCatalog.UnknownEnumValue, data.LocationOf("Augmentation"), "AugmentationKind", kindOfAugmentation.Number);
        }
        return new DataSpec(dataset.Name, path, imageSize, trainLimit, dataset.Channels, classes, augmentation);
    }


    private LossWeightsSpec ParseWeights(AttributeReader? weights, string experimentName)
    {
        double Weight(string name, double fallback)
        {
            var value = weights?.Double(name, fallback) ?? fallback;
            if (double.IsNaN(value) || double.IsInfinity(value) || value < 0)
                Report(DiagnosticCatalog.ValueOutOfRange, weights?.LocationOf(name), name, value.ToString(CultureInfo.InvariantCulture), "loss weights are finite and non-negative");
            return value;
        }

        var spec = new LossWeightsSpec(
            Weight("CrossEntropy", Defaults.LossWeight),
            Weight("LogitKd", Defaults.LossWeight),
            Weight("Feature", Defaults.LossWeight),
            Weight("PromptRegularisation", Defaults.LossWeight),
            weights?.Double("Temperature", Defaults.Temperature) ?? Defaults.Temperature,
            weights?.Double("LabelSmoothing", Defaults.LabelSmoothing) ?? Defaults.LabelSmoothing);
        if (spec.CrossEntropy == 0 && spec.LogitKd == 0 && spec.Feature == 0 && spec.PromptRegularisation == 0)
            Report(DiagnosticCatalog.LossWeightsAllZero, weights?.Location, experimentName);
        if (!(spec.Temperature > 0) || double.IsInfinity(spec.Temperature))
            Report(DiagnosticCatalog.ValueOutOfRange, weights?.LocationOf("Temperature"), "Temperature", spec.Temperature.ToString(CultureInfo.InvariantCulture), "the temperature must be a positive number");
        if (!(spec.LabelSmoothing >= 0 && spec.LabelSmoothing < 1))
            Report(DiagnosticCatalog.ValueOutOfRange, weights?.LocationOf("LabelSmoothing"), "LabelSmoothing", spec.LabelSmoothing.ToString(CultureInfo.InvariantCulture), "label smoothing lies in [0, 1)");
        return spec;
    }

    private ScheduleSpec ParseSchedule(AttributeReader? schedule)
    {
        int Int(string name, int fallback, int minimum, string rule)
        {
            var value = schedule?.Int(name, fallback) ?? fallback;
            if (value < minimum) Report(DiagnosticCatalog.ValueOutOfRange, schedule?.LocationOf(name), name, value, rule);
            return value;
        }

        double Real(string name, double fallback, bool allowZero, string rule)
        {
            var value = schedule?.Double(name, fallback) ?? fallback;
            if (double.IsNaN(value) || double.IsInfinity(value) || value < 0 || (!allowZero && value == 0))
                Report(DiagnosticCatalog.ValueOutOfRange, schedule?.LocationOf(name), name, value.ToString(CultureInfo.InvariantCulture), rule);
            return value;
        }

        var optimizerArgument = schedule?.Enum("Optimizer");
        var optimizer = optimizerArgument is { } given ? given.OneOf("AdamW", "Sgd") : Defaults.Optimizer;
        if (optimizer is null) Report(DiagnosticCatalog.UnknownEnumValue, schedule?.LocationOf("Optimizer"), "OptimizerKind", optimizerArgument!.Value.Number);
        var decayArgument = schedule?.Enum("Decay");
        var decay = decayArgument is { } declared ? declared.OneOf("Cosine", "Step") : "Cosine";
        if (decay is null) Report(DiagnosticCatalog.UnknownEnumValue, schedule?.LocationOf("Decay"), "LearningRateDecay", decayArgument!.Value.Number);

        var spec = new ScheduleSpec(
            Int("Epochs", Defaults.Epochs, 1, "train for at least one epoch"),
            Int("TeacherEpochs", Defaults.TeacherEpochs, 0, "use 0 only with teacher weights, else a positive count"),
            Int("BatchSize", Defaults.BatchSize, 1, "a batch holds at least one image"),
            optimizer ?? Defaults.Optimizer,
            Real("LearningRate", Defaults.LearningRate, false, "the learning rate must be a positive number"),
            Real("MinLearningRate", Defaults.MinLearningRate, true, "the final learning rate must be a non-negative number"),
            Real("WeightDecay", Defaults.WeightDecay, true, "weight decay must be a non-negative number"),
            Real("Momentum", Defaults.Momentum, true, "momentum lies in [0, 1)"),
            Int("WarmupEpochs", Defaults.WarmupEpochs, 0, "warm-up epochs are non-negative"),
            decay ?? "Cosine",
            Int("DecayEveryEpochs", Defaults.DecayEveryEpochs, 1, "decay at least every epoch"),
            Real("DecayFactor", Defaults.DecayFactor, false, "the decay factor lies in (0, 1]"),
            Real("GradientClip", 0, true, "use 0 (off) or a positive norm"),
            Real("EmaDecay", 0, true, "use 0 (off) or a decay in (0, 1)"));
        if (spec.DecayFactor > 1)
            Report(DiagnosticCatalog.ValueOutOfRange, schedule?.LocationOf("DecayFactor"), "DecayFactor", spec.DecayFactor.ToString(CultureInfo.InvariantCulture), "the decay factor lies in (0, 1]");
        if (spec.EmaDecay >= 1)
            Report(DiagnosticCatalog.ValueOutOfRange, schedule?.LocationOf("EmaDecay"), "EmaDecay", spec.EmaDecay.ToString(CultureInfo.InvariantCulture), "use 0 (off) or a decay in (0, 1)");
        if (spec.MinLearningRate > spec.LearningRate)
            Report(DiagnosticCatalog.ValueOutOfRange, schedule?.LocationOf("MinLearningRate"), "MinLearningRate", spec.MinLearningRate.ToString(CultureInfo.InvariantCulture), $"it must not exceed LearningRate = {spec.LearningRate.ToString(CultureInfo.InvariantCulture)}");
        if (spec.Momentum >= 1)
            Report(DiagnosticCatalog.ValueOutOfRange, schedule?.LocationOf("Momentum"), "Momentum", spec.Momentum.ToString(CultureInfo.InvariantCulture), "momentum lies in [0, 1)");
        if (spec.Epochs >= 1 && spec.WarmupEpochs >= spec.Epochs)
            Report(DiagnosticCatalog.ValueOutOfRange, schedule?.LocationOf("WarmupEpochs"), "WarmupEpochs", spec.WarmupEpochs, $"warm-up must end before the last epoch (Epochs = {spec.Epochs})");
        return spec;
    }
}
