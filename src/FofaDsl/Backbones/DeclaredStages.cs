using FofaDsl.Stages;

namespace FofaDsl.Backbones;

/// <summary>
/// Holds a user's backbone to its <see cref="StageGeometryAttribute"/>: the compiler checked the experiment
/// against the attribute, while the FOFA modules are built from the model's own <see cref="StagedBackbone.StageGeometries"/>.
/// The generated factory of a user model calls <see cref="Verify{TModel}"/>, so a property that disagrees with
/// the attribute stops the program when the model is built, not as a shape error inside a training step.
/// </summary>
public static class DeclaredStages
{
    /// <summary>Returns <paramref name="model"/> when its stem and stage geometries are the declared ones; otherwise disposes it and throws naming the first difference.</summary>
    /// <param name="model">A freshly built user backbone.</param>
    /// <param name="stem">The stem geometry the attribute declares at the experiment's image size.</param>
    /// <param name="stages">The four stage geometries the attribute declares.</param>
    public static TModel Verify<TModel>(TModel model, StageGeometry stem, IReadOnlyList<StageGeometry> stages) where TModel : StagedBackbone
    {
        var actual = model.StageGeometries;
        string? difference = null;
        if (model.StemGeometry != stem) difference = $"its stem is {Shape(model.StemGeometry)}, declared {Shape(stem)}";
        else if (actual.Count != stages.Count) difference = $"it has {actual.Count} stages, declared {stages.Count}";
        else
        {
            var stage = Enumerable.Range(0, stages.Count).FirstOrDefault(i => actual[i] != stages[i], -1);
            if (stage >= 0) difference = $"its stage {stage + 1} is {Shape(actual[stage])}, declared {Shape(stages[stage])}";
        }
        if (difference is null) return model;

        model.Dispose();
        throw new StageGeometryMismatchException(
            $"{typeof(TModel).Name} does not match its [StageGeometry]: {difference}. The experiment was checked against the attribute; " +
            $"make {typeof(TModel).Name}.StageGeometries/StemGeometry and the attribute agree.");
    }

    private static string Shape(StageGeometry geometry) => $"[B, {string.Join(", ", geometry.ShapeFor(1).Skip(1))}]";
}
