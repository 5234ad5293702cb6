using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CSharp;

namespace FofaDsl.Generators.Parsing;

/// <summary>What a tapped member is built as, where the source shows it: its output channels and the call that fixes them.</summary>
/// <param name="Channels">Output channels (token width) of the module.</param>
/// <param name="Construction">The call that decides them, e.g. <c>nn.Conv2d(32, 48, 3)</c>.</param>
internal sealed record ModuleOutput(int Channels, string Construction);

/// <summary>
/// Reads, from a user model's source, how a module member is constructed: a field or property initializer
/// or an assignment in a constructor, to a TorchSharp <c>nn</c> factory with constant channel arguments
/// (<c>Conv2d</c>, <c>Linear</c>, norms) with literal channels, or an <c>nn.Sequential</c> whose last
/// channel-changing layer is one.
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

    /// <summary>What <paramref name="member"/> of <paramref name="type"/> is built as, or null when the code does not say plainly.</summary>
    public static ModuleOutput? Of(Compilation compilation, Func<SyntaxTree, SemanticModel> semanticModel, INamedTypeSymbol type, ISymbol member, CancellationToken cancellation)
    {
        var outputs = Constructions(type, member, cancellation)
            .Select(expression => Evaluate(compilation, semanticModel, expression, cancellation))
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

    private static ModuleOutput? Evaluate(Compilation compilation, Func<SyntaxTree, SemanticModel> semanticModel, ExpressionSyntax expression, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        return compilation.ContainsSyntaxTree(expression.SyntaxTree) ? Evaluate(expression, semanticModel(expression.SyntaxTree), out _) : null;
    }

    /// <summary>
    /// The output of a module expression; <paramref name="preservesChannels"/> says a layer passes its input's
    /// channels on. Read from the syntax, binding only the callee's receiver: binding the calls themselves
    /// (TorchSharp's many overloads) would cost the IDE a millisecond per tap on every keystroke.
    /// </summary>
    private static ModuleOutput? Evaluate(ExpressionSyntax expression, SemanticModel model, out bool preservesChannels)
    {
        preservesChannels = false;
        expression = Unwrap(expression);
        if (expression is TupleExpressionSyntax { Arguments.Count: 2 } named) return Evaluate(named.Arguments[1].Expression, model, out preservesChannels);
        if (expression is not InvocationExpressionSyntax call || NnFactory(call, model) is not { } name) return null;

        if (ChannelPreserving.Contains(name))
        {
            preservesChannels = true;
            return null;
        }
        if (name == "Sequential") return LastChannelLayer(call, model);
        if (!ChannelArgument.TryGetValue(name, out var ordinal)) return null;

        var channels = ChannelArgumentOf(call.ArgumentList, ordinal) is { } argument ? ConstantChannels(argument) : null;
        return channels is { } value ? new ModuleOutput(value, $"nn.{name}{call.ArgumentList}") : null;
    }

    /// <summary>The name of the TorchSharp <c>nn</c> factory <paramref name="call"/> invokes, or null for any other call.</summary>
    private static string? NnFactory(InvocationExpressionSyntax call, SemanticModel model)
    {
        var (receiver, name) = call.Expression switch
        {
            MemberAccessExpressionSyntax access => (access.Expression, access.Name.Identifier.ValueText),
            IdentifierNameSyntax identifier => ((ExpressionSyntax?)null, identifier.Identifier.ValueText),
            _ => (null, null),
        };
        if (name is null || !(ChannelArgument.ContainsKey(name) || ChannelPreserving.Contains(name) || name == "Sequential")) return null;

        // nn.Conv2d(...): the receiver must be TorchSharp's nn; Conv2d(...) under "using static": the method's class must be.
        // Only the callee is bound, on its own: no overload resolution of the call.
        var target = receiver ?? call.Expression;
        var info = model.GetSpeculativeSymbolInfo(target.SpanStart, target, SpeculativeBindingOption.BindAsExpression);
        var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
        var container = receiver is null ? symbol?.ContainingType : symbol as INamedTypeSymbol;
        return container?.ToDisplayString() == TorchNn ? name : null;
    }

    /// <summary>A Sequential's output channels: those of its last layer that sets them, past any that keep them.</summary>
    private static ModuleOutput? LastChannelLayer(InvocationExpressionSyntax sequential, SemanticModel model)
    {
        var layers = sequential.ArgumentList.Arguments;
        for (var i = layers.Count - 1; i >= 0; i--)
        {
            var output = Evaluate(layers[i].Expression, model, out var preserves);
            if (output is not null) return output;
            if (!preserves) return null;
        }
        return null;
    }

    /// <summary>Parameter names TorchSharp gives the channel argument, for calls that name it.</summary>
    private static readonly HashSet<string> ChannelParameterNames = new()
    {
        "out_channels", "outputSize", "out_features", "num_features", "features", "num_channels", "normalized_shape",
    };

    /// <summary>The argument in parameter position <paramref name="ordinal"/>: positional, or named as TorchSharp names it.</summary>
    private static ExpressionSyntax? ChannelArgumentOf(ArgumentListSyntax arguments, int ordinal)
    {
        foreach (var argument in arguments.Arguments)
        {
            if (argument.NameColon is { } name && ChannelParameterNames.Contains(name.Name.Identifier.ValueText)) return argument.Expression;
        }
        var positional = arguments.Arguments.TakeWhile(a => a.NameColon is null).ToList();
        return ordinal < positional.Count ? positional[ordinal].Expression : null;
    }

    /// <summary>A literal channel count (<c>64</c>, <c>64L</c>, <c>(long)64</c>), or the last entry of a literal shape array (LayerNorm).</summary>
    private static int? ConstantChannels(ExpressionSyntax value)
    {
        value = Unwrap(value);
        var elements = value switch
        {
            ArrayCreationExpressionSyntax { Initializer: { } items } => items.Expressions,
            ImplicitArrayCreationExpressionSyntax { Initializer: var items } => items.Expressions,
            CollectionExpressionSyntax collection => SyntaxFactory.SeparatedList(collection.Elements.OfType<ExpressionElementSyntax>().Select(e => e.Expression)),
            _ => default(SeparatedSyntaxList<ExpressionSyntax>?),
        };
        if (elements is { Count: > 0 } shape) return ConstantChannels(shape[shape.Count - 1]);
        if (value is not LiteralExpressionSyntax { Token.Value: { } constant }) return null;
        return constant switch
        {
            int i when i > 0 => i,
            long l when l > 0 && l <= int.MaxValue => (int)l,
            _ => null,
        };
    }

    /// <summary>The expression inside parentheses and casts: <c>(long)(64)</c> is 64.</summary>
    private static ExpressionSyntax Unwrap(ExpressionSyntax expression)
    {
        while (true)
        {
            switch (expression)
            {
                case ParenthesizedExpressionSyntax parenthesized: expression = parenthesized.Expression; break;
                case CastExpressionSyntax cast: expression = cast.Expression; break;
                default: return expression;
            }
        }
    }
}
