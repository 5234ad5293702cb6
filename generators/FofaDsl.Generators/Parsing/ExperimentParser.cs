using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using FofaDsl.Generators.Diagnostics;
using FofaDsl.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FofaDsl.Generators.Parsing;

/// <summary>
/// Turns one <c>[Experiment]</c> class into an <see cref="ExperimentSpec"/>: reads every DSL
/// attribute, resolves defaults, computes both models' stage shapes and validates the graph.
/// Every problem becomes a diagnostic at the offending argument; nothing here throws on bad input.
/// </summary>
internal sealed class ExperimentParser
{
    private readonly List<DiagnosticInfo> diagnostics = new();
    private readonly Compilation compilation;
    private readonly CancellationToken cancellation;

    private ExperimentParser(Compilation compilation, CancellationToken cancellation)
    {
        this.compilation = compilation;
        this.cancellation = cancellation;
    }

    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
    {
        var parser = new ExperimentParser(context.SemanticModel.Compilation, cancellation);
        ExperimentSpec? spec = null;
        try
        {
            spec = parser.ParseClass((INamedTypeSymbol)context.TargetSymbol, (ClassDeclarationSyntax)context.TargetNode, context.Attributes[0]);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            // A generator that throws takes down every generated file of the project; report instead.
            parser.Report(DiagnosticCatalog.InternalError, LocationInfo.From(context.TargetNode), context.TargetSymbol.Name, e.GetType().Name + ": " + e.Message);
        }

        var hasErrors = parser.diagnostics.Any(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error);
        return new ParseResult(hasErrors ? null : spec, new EquatableArray<DiagnosticInfo>(parser.diagnostics));
    }

    private ExperimentSpec? ParseClass(INamedTypeSymbol type, ClassDeclarationSyntax declaration, AttributeData experimentAttribute)
    {
        var identifier = LocationInfo.From(declaration.Identifier.GetLocation());
        if (!type.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellation) is ClassDeclarationSyntax c && c.Modifiers.Any(SyntaxKind.PartialKeyword)))
            Report(DiagnosticCatalog.ClassNotPartial, identifier, type.Name);
        if (type.ContainingType is not null) Report(DiagnosticCatalog.UnsupportedClassShape, identifier, type.Name, "nested in " + type.ContainingType.Name);
        if (type.IsGenericType) Report(DiagnosticCatalog.UnsupportedClassShape, identifier, type.Name, "generic");

        var experiment = new AttributeReader(experimentAttribute, cancellation);
        var name = experiment.String("Name", null) ?? type.Name;
        var seed = experiment.Int("Seed", 0);
        if (seed < 0) Report(DiagnosticCatalog.ValueOutOfRange, experiment.LocationOf("Seed"), "Seed", seed, "seeds are non-negative");

        var data = ParseData(Find(type, AttributeNames.Data));
        var teacherAttribute = Find(type, AttributeNames.Teacher);
        var studentAttribute = Find(type, AttributeNames.Student);
        if (teacherAttribute is null) Report(DiagnosticCatalog.TeacherMissing, identifier, type.Name);
        if (studentAttribute is null) Report(DiagnosticCatalog.StudentMissing, identifier, type.Name);
        var teacher = teacherAttribute is null ? null : ParseModel("Teacher", teacherAttribute, data);
        var student = studentAttribute is null ? null : ParseModel("Student", studentAttribute, data);

        var fofa = ParseFofa(Find(type, AttributeNames.Fofa), student);
        var weights = ParseWeights(Find(type, AttributeNames.LossWeights), name);
        var schedule = ParseSchedule(Find(type, AttributeNames.Schedule));

        if (teacher is null || student is null || fofa is null) return null;
        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
        return new ExperimentSpec(ns, type.Name, name, seed, teacher, student, fofa, weights, schedule, data);
    }

    private AttributeReader? Find(INamedTypeSymbol type, string metadataName)
    {
        foreach (var attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == metadataName) return new AttributeReader(attribute, cancellation);
        }
        return null;
    }

    private DataSpec ParseData(AttributeReader? data)
    {
        var dataset = DatasetCatalog.FashionMnist;
        string? path = null;
        var trainLimit = 0;
        var classes = dataset.Classes;
        var imageSize = dataset.ImageSize;
        if (data is not null)
        {
            if (data.ConstructorInt(0) is { } kind)
            {
                if (DatasetCatalog.FromValue(kind) is { } known) dataset = known;
                else Report(DiagnosticCatalog.UnknownEnumValue, data.LocationOfConstructorArgument(0), "DatasetKind", kind);
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
        if (data?.Has("Augmentation") == true)
        {
            var value = data.Int("Augmentation", 0);
            string[] names = { "Flip", "None", "CnnRecipe", "VitRecipe" };
            if (value >= 0 && value < names.Length) augmentation = names[value];
            else Report(DiagnosticCatalog.UnknownEnumValue, data.LocationOf("Augmentation"), "AugmentationKind", value);
        }
        return new DataSpec(dataset.Name, path, imageSize, trainLimit, dataset.Channels, classes, augmentation);
    }

    private ModelSpec? ParseModel(string role, AttributeReader model, DataSpec data)
    {
        if (model.ConstructorType(0) is { } customType) return ParseCustomModel(role, model, customType, data);

        var architectureValue = model.ConstructorInt(0);
        if (architectureValue is null) return null; // the compiler reports the missing or mistyped argument
        var info = ArchitectureCatalog.FromValue(architectureValue.Value);
        if (info is null)
        {
            Report(DiagnosticCatalog.UnknownEnumValue, model.LocationOfConstructorArgument(0), "Architecture", architectureValue.Value);
            return null;
        }

        var valid = CheckKnobs(role, model, info.Name, info.Knobs);
        var stem = model.Int("Stem", 0) == 1 ? "Cifar" : Defaults.Stem;
        var baseWidth = Positive(model, "BaseWidth", info.BaseWidth, 4096, ref valid);
        var patch = Positive(model, "PatchSize", info.PatchSize, 1024, ref valid);
        var embed = Positive(model, "EmbedDim", info.EmbedDim, 65536, ref valid);
        var depth = Positive(model, "Depth", info.Depth, 1024, ref valid);
        var heads = Positive(model, "Heads", info.Heads, 1024, ref valid);
        var window = Positive(model, "WindowSize", info.WindowSize, 1024, ref valid);
        var size = data.ImageSize;
        var subject = $"{role} {info.Name}";

        if ((info.Family is ModelFamily.VisionTransformer or ModelFamily.MlpMixer or ModelFamily.ResMlp) && depth > 0 && depth < 4)
        {
            Report(DiagnosticCatalog.ValueOutOfRange, model.LocationOf("Depth"), "Depth", depth, "the model needs at least 4 blocks, one per stage");
            valid = false;
        }
        if (info.Family == ModelFamily.VisionTransformer && heads > 0 && embed > 0 && embed % heads != 0)
        {
            Report(DiagnosticCatalog.HeadsDoNotDivideWidth, model.LocationOf("Heads"), subject, embed, heads);
            valid = false;
        }
        if (info.Family == ModelFamily.Swin && embed > 0 && heads > 0 && embed % heads != 0)
        {
            Report(DiagnosticCatalog.HeadsDoNotDivideWidth, model.LocationOf("EmbedDim"), subject, embed, heads);
            valid = false;
        }

        var runtimeType = compilation.GetTypeByMetadataName(info.RuntimeMetadataName);
        var declaration = runtimeType is null ? null : StageShapes.Read(runtimeType);
        if (declaration is null || StageShapes.Problem(declaration) is not null)
        {
            // Only a FofaDsl assembly that does not match this generator gets here.
            Report(DiagnosticCatalog.StageGeometryMissing, model.LocationOfConstructorArgument(0), info.RuntimeMetadataName,
                declaration is null ? "it has no [StageGeometry]" : StageShapes.Problem(declaration)!);
            return null;
        }

        var divisor = info.Family == ModelFamily.ResNet && stem == "Cifar" ? 4 : 1;
        valid &= CheckDivisible(subject, model, declaration, size, patch, divisor);
        if (valid && info.Family == ModelFamily.Swin) valid = CheckWindows(subject, model, size / patch, window);
        if (!valid) return null;

        var (stemShape, stages) = StageShapes.Evaluate(declaration, size, info.Width(baseWidth, embed), patch, divisor);
        return new ModelSpec(role, info.Name, info.Family, "global::" + info.RuntimeMetadataName, size, data.InputChannels, data.Classes,
            info.Family == ModelFamily.ResNet ? stem : "", baseWidth, patch, embed, depth, heads, window, model.String("Weights", null),
            stemShape, new EquatableArray<StageShape>(stages));
    }

    /// <summary>A user's own model type: a StagedBackbone with [StageGeometry] and a (classes, image size, channels) constructor.</summary>
    private ModelSpec? ParseCustomModel(string role, AttributeReader model, INamedTypeSymbol type, DataSpec data)
    {
        var location = model.LocationOfConstructorArgument(0);
        var name = type.ToDisplayString();
        var valid = CheckKnobs(role, model, name, new string[0]);
        if (!DerivesFrom(type, "FofaDsl.Backbones.StagedBackbone"))
        {
            Report(DiagnosticCatalog.ModelTypeNotBackbone, location, name);
            return null;
        }
        var declaration = StageShapes.Read(type);
        var problem = declaration is null ? "it has no [StageGeometry]" : StageShapes.Problem(declaration);
        if (problem is not null)
        {
            Report(DiagnosticCatalog.StageGeometryMissing, location, name, problem);
            return null;
        }
        var constructor = type.InstanceConstructors.Any(c => c.DeclaredAccessibility == Accessibility.Public
            && c.Parameters.Length == 3 && c.Parameters.All(p => p.Type.SpecialType == SpecialType.System_Int32));
        if (!constructor)
        {
            Report(DiagnosticCatalog.ModelConstructorMissing, location, name);
            return null;
        }
        valid &= CheckDivisible($"{role} {type.Name}", model, declaration!, data.ImageSize, 0, 1);
        if (!valid) return null;

        var (stemShape, stages) = StageShapes.Evaluate(declaration!, data.ImageSize, 0, 0, 1);
        return new ModelSpec(role, type.Name, ModelFamily.Custom, type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), data.ImageSize,
            data.InputChannels, data.Classes, "", 0, 0, 0, 0, 0, 0, model.String("Weights", null), stemShape, new EquatableArray<StageShape>(stages));
    }

    private bool CheckKnobs(string role, AttributeReader model, string name, string[] knobs)
    {
        var valid = true;
        foreach (var knob in ArchitectureCatalog.AllKnobs)
        {
            if (model.Has(knob) && System.Array.IndexOf(knobs, knob) < 0)
            {
                var usable = knobs.Length == 0 ? "it is a fixed model" : "use " + string.Join(", ", knobs);
                Report(DiagnosticCatalog.KnobNotApplicable, model.LocationOf(knob), knob, $"{role} {name}", usable);
                valid = false;
            }
        }
        return valid;
    }

    /// <summary>Unpadded downsampling (patchify, merging) needs the image size divisible by the largest stride.</summary>
    private bool CheckDivisible(string subject, AttributeReader model, GeometryDeclaration declaration, int size, int patch, int divisor)
    {
        if (!declaration.RoundDown) return true;
        var stride = declaration.Strides.Concat(new[] { declaration.StemStride }).Max(s => declaration.ScaledStride(s, patch, divisor));
        if (size % stride == 0) return true;
        var what = stride == patch ? "its patch size" : patch > 0 ? $"its total stride (patch size {patch} x {stride / patch})" : "its total stride";
        Report(DiagnosticCatalog.ImageNotDivisible, model.Has("PatchSize") ? model.LocationOf("PatchSize") : model.Location, subject, size, stride, what);
        return false;
    }

    /// <summary>Swin: each stage's token grid must be tiled by its window (clamped to the grid, as timm does).</summary>
    private bool CheckWindows(string subject, AttributeReader model, int grid, int window)
    {
        for (var stage = 0; stage < 4; stage++, grid /= 2)
        {
            var effective = System.Math.Min(window, grid);
            if (effective > 0 && grid % effective != 0)
            {
                Report(DiagnosticCatalog.ValueOutOfRange, model.LocationOf("WindowSize"), "WindowSize", window,
                    $"stage {stage + 1} of {subject} is {grid}x{grid} tokens, which {window}x{window} windows do not tile");
                return false;
            }
        }
        return true;
    }

    private static bool DerivesFrom(INamedTypeSymbol type, string metadataName)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
            if (current.ToDisplayString() == metadataName) return true;
        return false;
    }

    /// <summary>A knob's value: the preset's when unset; an explicit value outside 1..<paramref name="maximum"/> is reported.</summary>
    private int Positive(AttributeReader model, string knob, int preset, int maximum, ref bool valid)
    {
        if (!model.Has(knob)) return preset;
        var value = model.Int(knob, preset);
        if (value >= 1 && value <= maximum) return value;
        Report(DiagnosticCatalog.ValueOutOfRange, model.LocationOf(knob), knob, value, $"use a value from 1 to {maximum}");
        valid = false;
        return preset;
    }

    private FofaSpec? ParseFofa(AttributeReader? fofa, ModelSpec? student)
    {
        var queries = fofa?.Int("Queries", Defaults.Queries) ?? Defaults.Queries;
        var width = fofa?.Int("TokenWidth", Defaults.TokenWidth) ?? Defaults.TokenWidth;
        var heads = fofa?.Int("Heads", Defaults.AttentionHeads) ?? Defaults.AttentionHeads;
        var stages = fofa?.IntArray("PromptStages") ?? ImmutableArray.Create(1, 2, 3, 4);
        var valid = true;

        var grid = 0;
        if (queries <= 0 || queries % 4 != 0 || !IsSquare(queries / 4, out grid))
        {
            Report(DiagnosticCatalog.QueriesNotSquare, fofa?.LocationOf("Queries"), queries,
                (queries / 4.0).ToString("0.##", CultureInfo.InvariantCulture), NearestValidQueries(queries).ToString(CultureInfo.InvariantCulture));
            valid = false;
        }
        if (width <= 0) { Report(DiagnosticCatalog.ValueOutOfRange, fofa?.LocationOf("TokenWidth"), "TokenWidth", width, "use a positive width"); valid = false; }
        if (heads <= 0) { Report(DiagnosticCatalog.ValueOutOfRange, fofa?.LocationOf("Heads"), "Heads", heads, "use at least one head"); valid = false; }
        else if (width > 0 && width % heads != 0) { Report(DiagnosticCatalog.HeadsDoNotDivideWidth, fofa?.LocationOf("Heads"), "Region-aware attention", width, heads); valid = false; }

        var seen = new HashSet<int>();
        foreach (var stage in stages)
        {
            if (stage < 1 || stage > 4) { Report(DiagnosticCatalog.PromptStageInvalid, fofa?.LocationOf("PromptStages"), stage == int.MinValue ? "a non-constant" : stage.ToString(CultureInfo.InvariantCulture), "teacher stages are numbered 1 to 4"); valid = false; }
            else if (!seen.Add(stage)) { Report(DiagnosticCatalog.PromptStageInvalid, fofa?.LocationOf("PromptStages"), stage, "it is listed more than once"); valid = false; }
        }

        if (valid && student is not null)
        {
            for (var i = 0; i < student.Stages.Count; i++)
            {
                var shape = student.Stages[i];
                if (shape.Height < grid)
                    Report(DiagnosticCatalog.GridLargerThanStage, fofa?.LocationOf("Queries") ?? null, i + 1, shape.Height, shape.Width, grid, queries);
            }
        }

        return valid
            ? new FofaSpec(queries, grid, width, heads, new EquatableArray<int>(stages),
                fofa?.Bool("RegionAwareAttention", true) ?? true, fofa?.Bool("Prompts", true) ?? true,
                fofa?.Bool("Feedback", true) ?? true, fofa?.Bool("ReferenceCodeQuirks", false) ?? false)
            : null;
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

        var optimizerValue = schedule?.Int("Optimizer", 0) ?? 0;
        if (optimizerValue is not (0 or 1)) Report(DiagnosticCatalog.UnknownEnumValue, schedule?.LocationOf("Optimizer"), "OptimizerKind", optimizerValue);

        var spec = new ScheduleSpec(
            Int("Epochs", Defaults.Epochs, 1, "train for at least one epoch"),
            Int("TeacherEpochs", Defaults.TeacherEpochs, 0, "use 0 only with teacher weights, else a positive count"),
            Int("BatchSize", Defaults.BatchSize, 1, "a batch holds at least one image"),
            optimizerValue == 1 ? "Sgd" : Defaults.Optimizer,
            Real("LearningRate", Defaults.LearningRate, false, "the learning rate must be a positive number"),
            Real("MinLearningRate", Defaults.MinLearningRate, true, "the final learning rate must be a non-negative number"),
            Real("WeightDecay", Defaults.WeightDecay, true, "weight decay must be a non-negative number"),
            Real("Momentum", Defaults.Momentum, true, "momentum lies in [0, 1)"),
            Int("WarmupEpochs", Defaults.WarmupEpochs, 0, "warm-up epochs are non-negative"),
            schedule?.Int("Decay", 0) == 1 ? "Step" : "Cosine",
            Int("DecayEveryEpochs", Defaults.DecayEveryEpochs, 1, "decay at least every epoch"),
            Real("DecayFactor", Defaults.DecayFactor, false, "the decay factor lies in (0, 1]"),
            Real("GradientClip", 0, true, "use 0 (off) or a positive norm"),
            Real("EmaDecay", 0, true, "use 0 (off) or a decay in (0, 1)"));
        if (spec.DecayFactor > 1)
            Report(DiagnosticCatalog.ValueOutOfRange, schedule?.LocationOf("DecayFactor"), "DecayFactor", spec.DecayFactor.ToString(CultureInfo.InvariantCulture), "the decay factor lies in (0, 1]");
        if (spec.EmaDecay >= 1)
            Report(DiagnosticCatalog.ValueOutOfRange, schedule?.LocationOf("EmaDecay"), "EmaDecay", spec.EmaDecay.ToString(CultureInfo.InvariantCulture), "use 0 (off) or a decay in (0, 1)");
        var decayValue = schedule?.Int("Decay", 0) ?? 0;
        if (decayValue is not (0 or 1)) Report(DiagnosticCatalog.UnknownEnumValue, schedule?.LocationOf("Decay"), "LearningRateDecay", decayValue);
        if (spec.MinLearningRate > spec.LearningRate)
            Report(DiagnosticCatalog.ValueOutOfRange, schedule?.LocationOf("MinLearningRate"), "MinLearningRate", spec.MinLearningRate.ToString(CultureInfo.InvariantCulture), $"it must not exceed LearningRate = {spec.LearningRate.ToString(CultureInfo.InvariantCulture)}");
        if (spec.Momentum >= 1)
            Report(DiagnosticCatalog.ValueOutOfRange, schedule?.LocationOf("Momentum"), "Momentum", spec.Momentum.ToString(CultureInfo.InvariantCulture), "momentum lies in [0, 1)");
        if (spec.Epochs >= 1 && spec.WarmupEpochs >= spec.Epochs)
            Report(DiagnosticCatalog.ValueOutOfRange, schedule?.LocationOf("WarmupEpochs"), "WarmupEpochs", spec.WarmupEpochs, $"warm-up must end before the last epoch (Epochs = {spec.Epochs})");
        return spec;
    }

    private void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] args) =>
        diagnostics.Add(DiagnosticInfo.Create(descriptor, location, args));

    private static bool IsSquare(int value, out int root)
    {
        root = (int)Math.Round(Math.Sqrt(value));
        return root > 0 && root * root == value;
    }

    private static int NearestValidQueries(int queries)
    {
        var grid = Math.Max(1, (int)Math.Round(Math.Sqrt(Math.Max(queries, 4) / 4.0)));
        return 4 * grid * grid;
    }
}
