using static TorchSharp.torch;

namespace FofaDsl.Methods.Fofa;

/// <summary>
/// Region-aware attention probabilities of a batch, <c>[B, heads, N, N]</c>: queries by keys, stage-major
/// (stage 1's <c>g x g</c> grid first), each grid row by row. Owns the tensor.
/// </summary>
/// <param name="Probabilities">The attention, each query's row summing to 1.</param>
/// <param name="GridSize">Side <c>g</c> of each stage's grid (<c>N = 4 g^2</c>).</param>
public sealed record RegionAttentionMaps(Tensor Probabilities, int GridSize) : IDisposable
{
    /// <summary>Images in the batch.</summary>
    public int Images => (int)Probabilities.shape[0];

    /// <summary>Queries (and keys) per stage, <c>g^2</c>.</summary>
    public int QueriesPerStage => GridSize * GridSize;

    /// <summary>The query-by-key matrix of image <paramref name="image"/>, averaged over heads: <c>[N, N]</c>.</summary>
    public Tensor Matrix(int image) => Probabilities[image].mean([0]);

    /// <summary>
    /// Where image <paramref name="image"/>'s queries look in each stage: <c>[4, g, g]</c>, the attention
    /// each stage's key regions receive, averaged over heads and over all <c>N</c> queries (the four maps
    /// together sum to 1, so a stage the student leans on stands out).
    /// </summary>
    public Tensor StageKeyMaps(int image)
    {
        using var scope = NewDisposeScope();
        var perKey = Probabilities[image].mean([0, 1]); // [N]
        return perKey.reshape(FofaOptions.StageCount, GridSize, GridSize).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose() => Probabilities.Dispose();
}
