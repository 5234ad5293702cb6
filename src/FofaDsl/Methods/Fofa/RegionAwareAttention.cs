using FofaDsl.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Methods.Fofa;

/// <summary>
/// Region-aware attention over the student's four stages (spec section 3, Eq. 3-4): each stage becomes
/// a <c>g x g</c> grid of tokens, the <c>N = 4 g^2</c> tokens attend to each other in one multi-head
/// layer (shared LayerNorm, Q and KV projections, a fixed sinusoidal code added to Q and K only, no
/// output projection, no residual), and the result is split back into one block per stage.
/// </summary>
public sealed class RegionAwareAttention : nn.Module<Tensor[], Tensor[]>
{
    private readonly ModuleList<StagePatchEmbedding> projectors;
    private readonly LayerNorm norm;
    private readonly Linear to_q;
    private readonly Linear to_kv;
    // Non-persistent (not in state_dict). Not readonly: _toEpilog swaps it for a moved copy, because
    // TorchSharp 0.107's Module.to skips non-persistent buffers.
    private Tensor position_code;
    private readonly int heads;
    private readonly int dim;
    private readonly int queriesPerStage;
    private readonly bool positionCodePerBatchIndex;

    /// <summary>Creates the attention for a student with the given stage geometries.</summary>
    /// <param name="studentStages">The student's four stage output geometries.</param>
    /// <param name="options">Queries, token width, heads and the quirks switch (validated here).</param>
    public RegionAwareAttention(IReadOnlyList<StageGeometry> studentStages, FofaOptions options) : base(nameof(RegionAwareAttention))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (studentStages.Count != FofaOptions.StageCount)
            throw new ArgumentException($"Region-aware attention needs 4 student stages, got {studentStages.Count}.", nameof(studentStages));

        dim = options.TokenWidth;
        heads = options.Heads;
        queriesPerStage = options.QueriesPerStage;
        positionCodePerBatchIndex = options.ReferenceCodeQuirks;
        projectors = new ModuleList<StagePatchEmbedding>(
            studentStages.Select(s => new StagePatchEmbedding(s, options.GridSize, dim, options.ReferenceCodeQuirks)).ToArray());
        norm = nn.LayerNorm(dim);
        to_q = nn.Linear(dim, dim);
        to_kv = nn.Linear(dim, 2 * dim);
        FofaInit.Linear(to_q);
        FofaInit.Linear(to_kv);

        position_code = SinusoidalPositionCode.Create(options.Queries, dim);
        register_buffer(nameof(position_code), position_code, persistent: false);
        RegisterComponents();
    }

    /// <inheritdoc />
    protected override void _toEpilog(ScalarType? dtype, Device? device, bool non_blocking)
    {
        base._toEpilog(dtype, device, non_blocking);
        position_code = Backbones.NonPersistentBuffer.Follow(position_code, dtype, device);
        ConditionallyRegisterBuffer(nameof(position_code), position_code, persistent: false);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        // Module.Dispose only reaches the buffers TorchSharp lists, which excludes this one.
        if (disposing) position_code.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>The per-stage patch embeddings (stage 1 first).</summary>
    internal IReadOnlyList<StagePatchEmbedding> Projectors => projectors.ToList();

    /// <summary>Shared LayerNorm applied before the projections.</summary>
    internal LayerNorm Norm => norm;

    /// <summary>Query projection <c>d -&gt; d</c>.</summary>
    internal Linear ToQuery => to_q;

    /// <summary>Key-value projection <c>d -&gt; 2d</c>.</summary>
    internal Linear ToKeyValue => to_kv;

    /// <summary>Four student stage outputs to four blocks <c>[B, g*g, d]</c>.</summary>
    public override Tensor[] forward(Tensor[] studentStages)
    {
        if (studentStages.Length != FofaOptions.StageCount)
            throw new ArgumentException($"Expected 4 student stage tensors, got {studentStages.Length}.", nameof(studentStages));

        using var scope = NewDisposeScope();
        var (q, k, v) = QueriesKeysValues(studentStages);
        var batch = q.shape[0];
        var queries = q.shape[1];
        var attended = nn.functional.scaled_dot_product_attention(SplitHeads(q), SplitHeads(k), SplitHeads(v))
            .transpose(1, 2).reshape(batch, queries, dim);
        return attended.split(queriesPerStage, 1).Select(block => block.MoveToOuterDisposeScope()).ToArray();
    }

    /// <summary>
    /// The attention probabilities <see cref="forward"/> applies, <c>[B, heads, N, N]</c> (queries by keys,
    /// stage-major, each stage's <c>g x g</c> grid row by row): <c>softmax(q k^T / sqrt(d / heads))</c>, for
    /// inspection (the paper's Figure 3). Training never calls it, so its numerics are untouched.
    /// </summary>
    public Tensor AttentionProbabilities(Tensor[] studentStages)
    {
        if (studentStages.Length != FofaOptions.StageCount)
            throw new ArgumentException($"Expected 4 student stage tensors, got {studentStages.Length}.", nameof(studentStages));

        using var scope = NewDisposeScope();
        var (q, k, _) = QueriesKeysValues(studentStages);
        var scores = SplitHeads(q).matmul(SplitHeads(k).transpose(-2, -1)) / Math.Sqrt(dim / heads);
        return scores.softmax(-1).MoveToOuterDisposeScope();
    }

    /// <summary>Tokens of the four stages to Q (with the position code), K (with it) and V, each <c>[B, N, d]</c>.</summary>
    private (Tensor Q, Tensor K, Tensor V) QueriesKeysValues(Tensor[] studentStages)
    {
        var tokens = cat(studentStages.Select((s, i) => projectors[i].call(s)).ToArray(), 1); // [B, N, d], stage-major
        var normed = norm.call(tokens);
        var q = to_q.call(normed);
        var kv = to_kv.call(normed).chunk(2, -1);
        var code = PositionCode(tokens.shape[0], tokens.device);
        return (q + code, kv[0] + code, kv[1]);
    }

    /// <summary>
    /// The code added to Q and K: per token position <c>[N, d]</c>, or with quirk 2 per batch
    /// position <c>[B, 1, d]</c> (the same vector for every token of a sample).
    /// </summary>
    internal Tensor PositionCode(long batch, Device device)
    {
        if (!positionCodePerBatchIndex) return position_code;
        if (ReferencePositionTable is { } table) return table.narrow(0, 0, batch).to(device).unsqueeze(1);
        return SinusoidalPositionCode.Create((int)batch, dim).to(device).unsqueeze(1);
    }

    /// <summary>
    /// With quirk 2, the rows to add by batch position instead of <see cref="SinusoidalPositionCode"/>'s: the whole-step
    /// comparison with the authors' code loads their float32 table here, whose sines differ from any other float32
    /// computation in the last bit (libtorch versions round their vectorised sin and exp differently).
    /// </summary>
    internal Tensor? ReferencePositionTable { get; set; }

    private Tensor SplitHeads(Tensor x) => x.reshape(x.shape[0], x.shape[1], heads, dim / heads).transpose(1, 2);
}
