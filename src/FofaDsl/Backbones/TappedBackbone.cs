using FofaDsl.Stages;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// A user's own TorchSharp classifier seen as a staged backbone through taps: the outputs of four of
/// its submodules are its stages, captured with forward hooks while the model runs unchanged. The
/// generator builds one for a model declared with <c>[Tap]</c>s and checks the taps at compile time.
/// </summary>
/// <remarks>
/// Taps observe stage outputs only. The stem and the stage boundaries are not accessible, so a tapped
/// model cannot take FOFA's prompts (a tapped teacher needs <c>[Fofa(Prompts = false)]</c>).
/// The model's parameters are registered under <c>model.</c>.
/// </remarks>
/// <typeparam name="TModel">The user's module type.</typeparam>
public sealed class TappedBackbone<TModel> : StagedBackbone where TModel : nn.Module<Tensor, Tensor>
{
    private readonly TModel model;
    private readonly nn.Module<Tensor, Tensor>[] taps;
    private readonly StageGeometry[] geometries;
    private readonly int numClasses;

    /// <summary>Wraps <paramref name="model"/>, reading stage i+1 from <paramref name="stageModules"/>[i].</summary>
    /// <param name="model">The classifier; its forward returns class logits.</param>
    /// <param name="numClasses">Classes of its logits.</param>
    /// <param name="stageModules">The four tapped submodules of <paramref name="model"/>, in stage order.</param>
    /// <param name="stageGeometries">The declared output geometry of each tapped submodule.</param>
    public TappedBackbone(TModel model, int numClasses, IReadOnlyList<nn.Module<Tensor, Tensor>> stageModules, IReadOnlyList<StageGeometry> stageGeometries)
        : base(model.GetName())
    {
        if (stageModules.Count != 4 || stageGeometries.Count != 4)
            throw new ArgumentException($"A tapped model needs 4 stage modules and 4 geometries, got {stageModules.Count} and {stageGeometries.Count}.");
        if (stageModules.Distinct().Count() != 4)
            throw new ArgumentException("Each stage must tap a different submodule.");
        this.model = model;
        this.numClasses = numClasses;
        taps = stageModules.ToArray();
        geometries = stageGeometries.ToArray();
        RegisterComponents();
    }

    /// <summary>The wrapped model.</summary>
    public TModel Model => model;

    /// <inheritdoc />
    public override StageGeometry StemGeometry =>
        throw new NotSupportedException($"{GetName()} is read through taps: its stem output is not observable. FOFA prompts need a StagedBackbone teacher.");

    /// <inheritdoc />
    public override IReadOnlyList<StageGeometry> StageGeometries => geometries;

    /// <inheritdoc />
    public override int NumClasses => numClasses;

    /// <inheritdoc />
    public override Tensor ForwardStem(Tensor images) => throw StagesNotSeparable();

    /// <inheritdoc />
    public override Tensor ForwardStage(int stage, Tensor input) => throw StagesNotSeparable();

    /// <inheritdoc />
    public override Tensor ForwardHead(Tensor lastStage) => throw StagesNotSeparable();

    /// <summary>The model's own forward.</summary>
    public override Tensor forward(Tensor images) => model.call(images);

    /// <summary>Runs the model once, capturing the four tapped outputs; checks each against its declared geometry.</summary>
    public override (Tensor Logits, Tensor[] Stages) ForwardWithStages(Tensor images)
    {
        using var scope = NewDisposeScope();
        var captured = new Tensor?[4];
        var removers = new List<Action>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var stage = i;
                // The model's forward may dispose its intermediates on return: keep each tapped output in this scope.
                var remover = taps[i].register_forward_hook((_, _, output) =>
                {
                    captured[stage] = output.MoveToOtherDisposeScope(scope);
                    return null!;
                });
                removers.Add(remover.remove);
            }
            var logits = model.call(images);
            var stages = new Tensor[4];
            for (var i = 0; i < 4; i++)
            {
                stages[i] = captured[i] ?? throw new StageGeometryMismatchException(
                    $"Stage {i + 1} of {GetName()} was not computed: its tapped submodule did not run through call() in forward.");
                var expected = geometries[i].ShapeFor(stages[i].shape[0]);
                if (!stages[i].shape.SequenceEqual(expected))
                    throw new StageGeometryMismatchException(
                        $"Stage {i + 1} of {GetName()} is [{string.Join(", ", stages[i].shape)}], but its [Tap] declares [{string.Join(", ", expected)}] ({geometries[i]}): fix the tap's Channels/Stride/Layout.");
            }
            foreach (var s in stages) s.MoveToOuterDisposeScope();
            return (logits.MoveToOuterDisposeScope(), stages);
        }
        finally
        {
            foreach (var remove in removers) remove();
        }
    }

    /// <summary>The model's logits, the tapped stages, and the global average of stage 4 as the embedding.</summary>
    public override Backbones.ModelOutputs ForwardAll(Tensor images)
    {
        using var scope = NewDisposeScope();
        var (logits, stages) = ForwardWithStages(images);
        var embedding = ForwardEmbedding(stages[3]);
        foreach (var s in stages) s.MoveToOuterDisposeScope();
        return new Backbones.ModelOutputs(logits.MoveToOuterDisposeScope(), stages, embedding.MoveToOuterDisposeScope());
    }

    private NotSupportedException StagesNotSeparable() =>
        new($"{GetName()} is read through taps: its stages run only as part of its own forward (use ForwardWithStages).");
}
