using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using FofaDsl.Generators.Diagnostics;
using FofaDsl.Generators.Model;
using Microsoft.CodeAnalysis;

namespace FofaDsl.Generators.Parsing;

/// <summary>Plain TorchSharp modules whose four stages are [Tap]s on the experiment.</summary>
internal sealed partial class ExperimentParser
{
    /// <summary>One [Tap] as declared: which model, stage and member, and the member's output geometry.</summary>
    private sealed record TapDeclaration(AttributeReader Reader, string Role, int Stage, string? Member);

    private List<TapDeclaration> ReadTaps(INamedTypeSymbol type)
    {
        var taps = new List<TapDeclaration>();
        foreach (var attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() != AttributeNames.Tap) continue;
            var reader = new AttributeReader(attribute, cancellation);
            var role = reader.ConstructorEnum(0)?.Member == "Teacher" ? "Teacher" : "Student";
            var stage = reader.ConstructorInt(1) ?? 0;
            var member = attribute.ConstructorArguments.Length > 2 ? attribute.ConstructorArguments[2].Value as string : null;
            taps.Add(new TapDeclaration(reader, role, stage, member));
        }
        return taps;
    }

    /// <summary>
    /// A plain TorchSharp module whose four stages are [Tap]s on the experiment: each tap names a module
    /// member of the type, once; stage shapes come from the taps' geometry.
    /// </summary>
    private ModelSpec? ParseTappedModel(string role, AttributeReader model, INamedTypeSymbol type, DataSpec data, List<TapDeclaration> taps)
    {
        var location = model.LocationOfConstructorArgument(0);
        var name = type.ToDisplayString();
        var subject = role.ToLowerInvariant();
        var valid = CheckKnobs(role, model, name, new string[0]);
        if (DerivesFrom(type, "FofaDsl.Backbones.StagedBackbone") && StageShapes.Read(type) is not null)
        {
            foreach (var tap in taps)
                Report(DiagnosticCatalog.TapsIncomplete, tap.Reader.Location, $"the {subject}", $"'{type.Name}' declares its stages with [StageGeometry]; remove the taps or the attribute");
            return null;
        }
        if (!IsTensorModule(type))
        {
            Report(DiagnosticCatalog.ModelTypeNotBackbone, location, name, "not a TorchSharp nn.Module<Tensor, Tensor>, so it cannot be tapped");
            return null;
        }
        var standard = HasConstructor(type, 3);
        var parameterless = !standard && HasConstructor(type, 0);
        if (!standard && !parameterless)
        {
            Report(DiagnosticCatalog.ModelConstructorMissing, location, name);
            valid = false;
        }

        var members = new string?[4];
        var shapes = new StageShape?[4];
        foreach (var tap in taps)
        {
            if (tap.Stage < 1 || tap.Stage > 4)
            {
                Report(DiagnosticCatalog.ValueOutOfRange, tap.Reader.LocationOfConstructorArgument(1), "Stage", tap.Stage, "stages are numbered 1 to 4");
                valid = false;
                continue;
            }
            if (tap.Member is null) { valid = false; continue; } // the compiler reports the argument
            var memberLocation = tap.Reader.LocationOfConstructorArgument(2);
            var problem = TapMemberProblem(type, tap.Member);
            if (problem is not null)
            {
                Report(DiagnosticCatalog.TapMemberInvalid, memberLocation, subject, tap.Stage, problem);
                valid = false;
                continue;
            }
            var other = System.Array.IndexOf(members, tap.Member);
            if (other >= 0)
            {
                Report(DiagnosticCatalog.TapDeclaredTwice, memberLocation, "Member", $"'{tap.Member}' of the {subject}", $"as stages {other + 1} and {tap.Stage}");
                valid = false;
                continue;
            }
            if (members[tap.Stage - 1] is { } first)
            {
                Report(DiagnosticCatalog.TapDeclaredTwice, tap.Reader.LocationOfConstructorArgument(1), $"{role} stage", tap.Stage, $"by '{first}' and '{tap.Member}'");
                valid = false;
                continue;
            }
            members[tap.Stage - 1] = tap.Member;
            shapes[tap.Stage - 1] = TapShape(tap, role, data.ImageSize);
            if (shapes[tap.Stage - 1] is null || !CheckTapAgainstCode(type, tap, subject)) valid = false;
        }
        var missing = Enumerable.Range(1, 4).Where(stage => members[stage - 1] is null && !taps.Any(t => t.Stage == stage)).ToList();
        if (missing.Count > 0)
        {
            Report(DiagnosticCatalog.TapsIncomplete, location, $"'{type.Name}'", $"stage{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} {(missing.Count > 1 ? "have" : "has")} no [Tap(ModelRole.{role}, stage, nameof({type.Name}.member), ...)]");
            valid = false;
        }
        if (!valid) return null;

        var stages = shapes.Select(shape => shape!).ToArray();
        return new ModelSpec(role, type.Name, ModelFamily.Custom, $"global::FofaDsl.Backbones.TappedBackbone<{type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)}>",
            data.ImageSize, data.InputChannels, data.Classes, "", 0, 0, 0, 0, 0, 0, model.String("Weights", null), stages[0], new EquatableArray<StageShape>(stages),
            new TapSpec(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), parameterless, new EquatableArray<string>(members.Select(m => m!).ToArray())));
    }

    /// <summary>The stage shape a tap declares, or null after reporting why it has none.</summary>
    private StageShape? TapShape(TapDeclaration tap, string role, int imageSize)
    {
        var channels = tap.Reader.Int("Channels", 0);
        var stride = tap.Reader.Int("Stride", 0);
        var ok = true;
        if (channels <= 0) { Report(DiagnosticCatalog.ValueOutOfRange, tap.Reader.LocationOf("Channels"), "Channels", channels, $"give the channels (token width) of {role.ToLowerInvariant()} stage {tap.Stage}, a positive number"); ok = false; }
        if (stride <= 0) { Report(DiagnosticCatalog.ValueOutOfRange, tap.Reader.LocationOf("Stride"), "Stride", stride, $"give the total stride of {role.ToLowerInvariant()} stage {tap.Stage} (input pixels per output position), a positive number"); ok = false; }
        if (!ok) return null;
        var roundDown = tap.Reader.Bool("RoundDown", false);
        if (roundDown && imageSize % stride != 0)
        {
            Report(DiagnosticCatalog.ImageNotDivisible, tap.Reader.LocationOf("Stride"), $"{role} stage {tap.Stage}", imageSize, stride, "its stride (RoundDown)");
            return null;
        }
        var side = roundDown ? imageSize / stride : (imageSize + stride - 1) / stride;
        return tap.Reader.Int("Layout", 0) == 1
            ? StageShape.Tokens(channels, side, side, tap.Reader.Bool("ClassToken", false))
            : StageShape.Spatial(channels, side, side);
    }

    /// <summary>A tap's Channels must be what the model's code builds the member with, where the code says so plainly.</summary>
    private bool CheckTapAgainstCode(INamedTypeSymbol type, TapDeclaration tap, string subject)
    {
        if (FindMember(type, tap.Member!) is not { } member) return true;
        var output = ModuleConstruction.Of(compilation, SemanticModelOf, type, member, cancellation);
        var declared = tap.Reader.Int("Channels", 0);
        if (output is null || output.Channels == declared) return true;
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalog.TapGeometryMismatch, tap.Reader.LocationOf("Channels"),
            subject, tap.Stage, declared, $"{type.Name}.{member.Name}", output.Construction, output.Channels) with { FixValue = output.Channels.ToString(CultureInfo.InvariantCulture) });
        return false;
    }

    private static ISymbol? FindMember(INamedTypeSymbol type, string name)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.GetMembers(name).FirstOrDefault() is { } member) return member;
        }
        return null;
    }

    /// <summary>Why <paramref name="member"/> cannot be tapped on <paramref name="type"/>, or null.</summary>
    private static string? TapMemberProblem(INamedTypeSymbol type, string member)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var symbol in current.GetMembers(member))
            {
                var memberType = symbol switch { IFieldSymbol f => f.Type, IPropertySymbol p => p.Type, _ => null };
                if (memberType is null) return $"'{member}' of '{type.Name}' is a {symbol.Kind.ToString().ToLowerInvariant()}, not a field or property holding a module";
                if (symbol.IsStatic) return $"'{member}' of '{type.Name}' is static; tap an instance member";
                if (memberType is not INamedTypeSymbol named || !IsTensorModule(named))
                    return $"'{member}' of '{type.Name}' is a {memberType.ToDisplayString()}, not an nn.Module<Tensor, Tensor>";
                return null;
            }
        }
        return $"'{type.Name}' has no field or property '{member}'";
    }
}
