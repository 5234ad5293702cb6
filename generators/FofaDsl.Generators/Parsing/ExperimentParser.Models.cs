using System;
using System.Collections.Generic;
using System.Linq;
using FofaDsl.Generators.Diagnostics;
using FofaDsl.Generators.Model;
using Microsoft.CodeAnalysis;

namespace FofaDsl.Generators.Parsing;

/// <summary>Teacher and student: zoo presets and user-defined StagedBackbones, their knobs and stage shapes.</summary>
internal sealed partial class ExperimentParser
{
    private ModelSpec? ParseModel(string role, AttributeReader model, DataSpec data, List<TapDeclaration> allTaps)
    {
        var taps = allTaps.Where(t => t.Role == role).ToList();
        if (!CheckDeclaredCounts(role, model, data)) return null;
        if (model.ConstructorType(0) is { } customType)
        {
            return taps.Count > 0 || !DerivesFrom(customType, "FofaDsl.Backbones.StagedBackbone") && IsTensorModule(customType)
                ? ParseTappedModel(role, model, customType, data, taps)
                : ParseCustomModel(role, model, customType, data);
        }
        foreach (var tap in taps)
            Report(DiagnosticCatalog.TapsIncomplete, tap.Reader.Location, $"the {role.ToLowerInvariant()}", "it is a built-in architecture, which declares its stages itself");
        if (taps.Count > 0) return null;

        var architecture = model.ConstructorEnum(0);
        if (architecture is null) return null; // the compiler reports the missing or mistyped argument
        var info = ArchitectureCatalog.FromName(compilation, architecture.Value.Member);
        if (info is null)
        {
            Report(DiagnosticCatalog.UnknownEnumValue, model.LocationOfConstructorArgument(0), "Architecture", architecture.Value.Number);
            return null;
        }

        var valid = CheckKnobs(role, model, info.Name, info.Knobs);
        var stem = model.Enum("Stem")?.OneOf("ImageNet", "Cifar") ?? Defaults.Stem;
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
            stemShape, new EquatableArray<StageShape>(stages), OptionsFactory: info.OptionsFactory, KnobNames: string.Join(",", info.Knobs));
    }

    /// <summary>Classes and InputChannels declared on a model must be the data's.</summary>
    private bool CheckDeclaredCounts(string role, AttributeReader model, DataSpec data)
    {
        var valid = true;
        foreach (var (knob, actual, what) in new[] { ("Classes", data.Classes, "classes"), ("InputChannels", data.InputChannels, "image channels") })
        {
            if (!model.Has(knob)) continue;
            var declared = model.Int(knob, 0);
            if (declared < 0) { Report(DiagnosticCatalog.ValueOutOfRange, model.LocationOf(knob), knob, declared, "use 0 (the data's) or a positive count"); valid = false; }
            else if (declared > 0 && declared != actual)
            {
                Report(DiagnosticCatalog.ModelDataMismatch, model.LocationOf(knob), $"The {role.ToLowerInvariant()}", knob, declared, data.Dataset, $"{actual} {what}");
                valid = false;
            }
        }
        return valid;
    }

    /// <summary>Whether the type is (or derives from) TorchSharp's nn.Module&lt;Tensor, Tensor&gt;, whose call runs forward hooks.</summary>
    private static bool IsTensorModule(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (current.IsGenericType && current.ConstructedFrom.ToDisplayString() == "TorchSharp.torch.nn.Module<T, TResult>"
                && current.TypeArguments.All(t => t.ToDisplayString() == "TorchSharp.torch.Tensor"))
                return true;
        }
        return false;
    }

    private static bool HasConstructor(INamedTypeSymbol type, int intParameters) =>
        !type.IsAbstract && type.InstanceConstructors.Any(c => c.DeclaredAccessibility == Accessibility.Public
            && c.Parameters.Length == intParameters && c.Parameters.All(p => p.Type.SpecialType == SpecialType.System_Int32));

    /// <summary>A user's own model type: a StagedBackbone with [StageGeometry] and a (classes, image size, channels) constructor.</summary>
    private ModelSpec? ParseCustomModel(string role, AttributeReader model, INamedTypeSymbol type, DataSpec data)
    {
        var location = model.LocationOfConstructorArgument(0);
        var name = type.ToDisplayString();
        var valid = CheckKnobs(role, model, name, new string[0]);
        if (!DerivesFrom(type, "FofaDsl.Backbones.StagedBackbone"))
        {
            Report(DiagnosticCatalog.ModelTypeNotBackbone, location, name, "neither a FofaDsl.Backbones.StagedBackbone nor a TorchSharp nn.Module<Tensor, Tensor>");
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
}
