using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace FofaDsl.Generators.Parsing;

/// <summary>What a tapped member is built as, where the source shows it: its output channels and the call that fixes them.</summary>
/// <param name="Channels">Output channels (token width) of the module.</param>
/// <param name="Construction">The call that decides them, e.g. <c>nn.Conv2d(32, 48, 3)</c>.</param>
internal sealed record ModuleOutput(int Channels, string Construction);

/// <summary>
/// Reads, from a user model's source, how a module member is constructed: a field or property initializer
/// or an assignment in a constructor, to a TorchSharp <c>nn</c> factory with constant channel arguments
/// (<c>Conv2d</c>, <c>Linear</c>, norms), or an <c>nn.Sequential</c> whose last channel-changing layer is one.
/// Anything it cannot see (a helper method, a parameter, a user block, two different assignments) gives
/// null, never a guess: a tap's declared geometry is only contradicted by what the code states outright.
/// </summary>
internal static class ModuleConstruction
{
    private const string TorchNn = "TorchSharp.torch.nn";

    /// <summary>The factories whose output channels are a constant argument, and that argument's position.</summary>
    private static readonly Dictionary<string, int> ChannelArgument = new()
    {
        ["Conv1d"] = 1, ["Conv2d"] = 1, ["Conv3d"] = 1,
        ["ConvTranspose1d"] = 1, ["ConvTranspose2d"] = 1, ["ConvTranspose3d"] = 1,
        ["Linear"] = 1,
        ["BatchNorm1d"] = 0, ["BatchNorm2d"] = 0, ["BatchNorm3d"] = 0,
        ["InstanceNorm1d"] = 0, ["InstanceNorm2d"] = 0, ["InstanceNorm3d"] = 0,
        ["GroupNorm"] = 1,
        ["LayerNorm"] = 0,
    };

    /// <summary>Layers that keep their input's channels, so a Sequential's output is decided by an earlier layer.</summary>
    private static readonly HashSet<string> ChannelPreserving = new()
    {
        "ReLU", "ReLU6", "GELU", "SiLU", "Sigmoid", "Tanh", "Hardswish", "Hardsigmoid", "LeakyReLU", "Mish", "ELU", "PReLU",
        "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "Identity",
        "MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "Upsample",
    };

    public static ModuleOutput? Of(Compilation compilation, INamedTypeSymbol type, ISymbol member, CancellationToken cancellation)
    {
        var outputs = Constructions(type, member, cancellation)
            .Select(expression => Evaluate(compilation, expression, cancellation))
            .ToList();
        // Every construction must be readable and agree; otherwise the code decides at run time.
        return outputs.Count > 0 && outputs.All(o => o is not null) && outputs.Select(o => o!.Channels).Distinct().Count() == 1
            ? outputs[0]
            : null;
    }

    /// <summary>Every expression assigned to <paramref name="member"/>: its initializer and its assignments in constructors.</summary>
    private static IEnumerable<ExpressionSyntax> Constructions(INamedTypeSymbol type, ISymbol member, CancellationToken cancellation)
    {
        foreach (var reference in member.DeclaringSyntaxReferences)
        {
            var initializer = reference.GetSyntax(cancellation) switch
            {
                VariableDeclaratorSyntax variable => variable.Initializer?.Value,
                PropertyDeclarationSyntax property => property.Initializer?.Value,
                _ => null,
            };
            if (initializer is not null) yield return initializer;
        }

        foreach (var constructor in type.InstanceConstructors)
        {
            foreach (var reference in constructor.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellation) is not ConstructorDeclarationSyntax syntax) continue;
                foreach (var assignment in syntax.DescendantNodes().OfType<AssignmentExpressionSyntax>())
                {
                    var target = assignment.Left switch
                    {
                        IdentifierNameSyntax name => name.Identifier.ValueText,
                        MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access => access.Name.Identifier.ValueText,
                        _ => null,
                    };
                    if (target == member.Name) yield return assignment.Right;
                }
            }
        }
    }

    private static ModuleOutput? Evaluate(Compilation compilation, ExpressionSyntax expression, CancellationToken cancellation)
    {
        if (!compilation.ContainsSyntaxTree(expression.SyntaxTree)) return null;
        var operation = compilation.GetSemanticModel(expression.SyntaxTree).GetOperation(expression, cancellation);
        return operation is null ? null : Evaluate(operation, out _);
    }

    /// <summary>The output of a module expression; <paramref name="preservesChannels"/> says a layer passes its input's channels on.</summary>
    private static ModuleOutput? Evaluate(IOperation operation, out bool preservesChannels)
    {
        preservesChannels = false;
        while (operation is IConversionOperation conversion) operation = conversion.Operand;
        if (operation is ITupleOperation { Elements.Length: 2 } named) return Evaluate(named.Elements[1], out preservesChannels);
        if (operation is not IInvocationOperation { TargetMethod: var method } invocation || method.ContainingType?.ToDisplayString() != TorchNn) return null;

        if (ChannelPreserving.Contains(method.Name))
        {
            preservesChannels = true;
            return null;
        }
        if (method.Name == "Sequential") return LastChannelLayer(invocation);
        if (!ChannelArgument.TryGetValue(method.Name, out var ordinal)) return null;

        var argument = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == ordinal);
        var channels = argument is null ? null : ConstantChannels(argument.Value);
        var arguments = invocation.Syntax is InvocationExpressionSyntax call ? call.ArgumentList.ToString() : "(...)";
        return channels is { } value ? new ModuleOutput(value, $"nn.{method.Name}{arguments}") : null;
    }

    /// <summary>A Sequential's output channels: those of its last layer that sets them, past any that keep them.</summary>
    private static ModuleOutput? LastChannelLayer(IInvocationOperation sequential)
    {
        var layers = sequential.Arguments.SelectMany(a => a.Value is IArrayCreationOperation { Initializer: { } items } ? (IEnumerable<IOperation>)items.ElementValues : new[] { a.Value }).ToList();
        for (var i = layers.Count - 1; i >= 0; i--)
        {
            var output = Evaluate(layers[i], out var preserves);
            if (output is not null) return output;
            if (!preserves) return null;
        }
        return null;
    }

    /// <summary>A constant channel count: a number, or the last entry of a constant shape array (LayerNorm).</summary>
    private static int? ConstantChannels(IOperation value)
    {
        while (value is IConversionOperation conversion) value = conversion.Operand;
        if (value is IArrayCreationOperation { Initializer.ElementValues: { Length: > 0 } elements }) return ConstantChannels(elements[elements.Length - 1]);
        if (value.ConstantValue is not { HasValue: true, Value: { } constant }) return null;
        return constant switch
        {
            int i when i > 0 => i,
            long l when l > 0 && l <= int.MaxValue => (int)l,
            _ => null,
        };
    }
}
