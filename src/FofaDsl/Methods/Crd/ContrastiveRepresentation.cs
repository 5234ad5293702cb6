using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Methods.Crd;

/// <summary>
/// Contrastive representation distillation (CRD, Tian et al., ICLR 2020) with NCE and momentum memory banks.
/// Both final features are embedded (Linear to <c>embedDim</c>, then L2-normalised). The student embedding
/// is contrasted with the teacher memory bank and the teacher embedding with the student memory bank;
/// the positive is the bank row of the sample itself, the negatives are rows of other samples.
/// </summary>
/// <remarks>
/// <para>Follows the reference (RepDistiller's <c>ContrastMemory</c>/<c>ContrastLoss</c>, as used by OFA-KD):
/// scores <c>exp(e . m / T) / Z</c> with <c>Z = mean(exp(e . m / T)) * N</c> estimated once, on the first batch,
/// per side, and then fixed (stored as a buffer so it survives a checkpoint); NCE with noise probability
/// <c>1/N</c> and <c>K</c> negatives: <c>-(log(P_pos / (P_pos + K/N + eps)) + sum log((K/N) / (P_neg + K/N + eps)))</c>,
/// summed over the batch and divided by <c>B</c>; after scoring, the rows of the batch's samples are
/// updated to <c>normalise(momentum * m + (1 - momentum) * e)</c>.</para>
/// <para>Memory banks start as the reference: uniform in <c>[-s, s]</c> with <c>s = 1 / sqrt(d / 3)</c>,
/// so each row has unit expected squared norm (rows are not normalised exactly until first updated).</para>
/// <para>Negatives: <c>min(negatives, N - 1)</c> indices per sample, drawn uniformly with replacement from the
/// other <c>N - 1</c> samples (the reference draws from all N, occasionally hitting the positive itself).
/// Sampling uses the <see cref="torch.Generator"/> passed to the constructor, or the global generator
/// (seeded by <c>torch.manual_seed</c>) when none is given. The memory banks are drawn from the global generator.</para>
/// <para>Benchmark defaults: dim 128, 16384 negatives, T 0.07, momentum 0.5, weight 0.8 (applied in <see cref="Loss"/>).</para>
/// </remarks>
public sealed class ContrastiveRepresentation : nn.Module
{
    /// <summary>Added to the NCE denominators (reference value).</summary>
    public const double NceEpsilon = 1e-7;

    private readonly Linear embed_s;
    private readonly Linear embed_t;
    // memory_v1 holds student embeddings, memory_v2 teacher embeddings (reference names, so checkpoints match).
    private Tensor memory_v1;
    private Tensor memory_v2;
    // [Z_student_anchor, Z_teacher_anchor]; negative until set by the first batch.
    private Tensor normalisation;
    private readonly Generator? generator;
    private readonly int datasetSize;
    private readonly int negatives;
    private readonly double temperature;
    private readonly double momentum;
    private readonly double weight;

    /// <summary>Creates the embedding heads and the memory banks.</summary>
    /// <param name="studentDim">Flattened size of one student final feature.</param>
    /// <param name="teacherDim">Flattened size of one teacher final feature.</param>
    /// <param name="datasetSize">Number of training samples <c>N</c> (rows of each memory bank).</param>
    /// <param name="embedDim">Width of the embedding space.</param>
    /// <param name="negatives">Negatives per sample <c>K</c>; capped at <c>N - 1</c>.</param>
    /// <param name="temperature">NCE temperature.</param>
    /// <param name="momentum">Share of the old memory row kept in each update.</param>
    /// <param name="weight">Loss weight applied inside <see cref="Loss"/>.</param>
    /// <param name="generator">Generator for negative sampling; <c>null</c> uses the global one.</param>
    public ContrastiveRepresentation(int studentDim, int teacherDim, int datasetSize, int embedDim = 128, int negatives = 16384,
        double temperature = 0.07, double momentum = 0.5, double weight = 0.8, Generator? generator = null)
        : base(nameof(ContrastiveRepresentation))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(studentDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(teacherDim);
        ArgumentOutOfRangeException.ThrowIfLessThan(datasetSize, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embedDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(negatives);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);
        if (momentum is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must lie in [0, 1].");

        this.datasetSize = datasetSize;
        this.negatives = Math.Min(negatives, datasetSize - 1);
        this.temperature = temperature;
        this.momentum = momentum;
        this.weight = weight;
        this.generator = generator;
        embed_s = nn.Linear(studentDim, embedDim);
        embed_t = nn.Linear(teacherDim, embedDim);
        var bound = 1.0 / Math.Sqrt(embedDim / 3.0);
        memory_v1 = rand(datasetSize, embedDim) * (2 * bound) - bound;
        memory_v2 = rand(datasetSize, embedDim) * (2 * bound) - bound;
        normalisation = full(2, -1.0);
        register_buffer(nameof(memory_v1), memory_v1);
        register_buffer(nameof(memory_v2), memory_v2);
        register_buffer(nameof(normalisation), normalisation);
        RegisterComponents();
    }

    /// <summary>Negatives drawn per sample: <c>min(negatives, N - 1)</c>.</summary>
    public int Negatives => negatives;

    /// <summary>The student memory bank <c>[N, embedDim]</c> (a buffer; never receives gradients).</summary>
    public Tensor StudentMemory => memory_v1;

    /// <summary>The teacher memory bank <c>[N, embedDim]</c> (a buffer; never receives gradients).</summary>
    public Tensor TeacherMemory => memory_v2;

    /// <summary>The NCE normalisation constants (student anchor, teacher anchor); <c>null</c> before the first batch.</summary>
    public (double StudentAnchor, double TeacherAnchor)? NormalisationConstants
    {
        get
        {
            var z = normalisation.to_type(ScalarType.Float64).data<double>().ToArray();
            return z[0] < 0 ? null : (z[0], z[1]);
        }
    }

    /// <summary>The student embedding head (Linear before normalisation).</summary>
    public Linear StudentEmbedding => embed_s;

    /// <summary>The teacher embedding head (Linear before normalisation).</summary>
    public Linear TeacherEmbedding => embed_t;

    /// <summary>L2-normalised student embeddings <c>[B, embedDim]</c> of final features <c>[B, ...]</c>.</summary>
    /// <param name="studentFeature">Student final feature with batch first.</param>
    public Tensor EmbedStudent(Tensor studentFeature) => Embed(embed_s, studentFeature);

    /// <summary>L2-normalised teacher embeddings <c>[B, embedDim]</c> of final features <c>[B, ...]</c>.</summary>
    /// <param name="teacherFeature">Teacher final feature with batch first.</param>
    public Tensor EmbedTeacher(Tensor teacherFeature) => Embed(embed_t, teacherFeature);

    /// <summary>
    /// <c>weight * (NCE(student anchor vs teacher memory) + NCE(teacher anchor vs student memory))</c>; then
    /// updates the memory rows of <paramref name="sampleIndices"/> (and fixes <c>Z</c> on the first call).
    /// </summary>
    /// <param name="studentFeature">Student final feature <c>[B, ...]</c>.</param>
    /// <param name="teacherFeature">Teacher final feature <c>[B, ...]</c>; detach it if the teacher is frozen.</param>
    /// <param name="sampleIndices">Dataset index of each sample <c>[B]</c> (int64), in <c>[0, N)</c>.</param>
    public Tensor Loss(Tensor studentFeature, Tensor teacherFeature, Tensor sampleIndices)
    {
        var batch = studentFeature.shape[0];
        if (teacherFeature.shape[0] != batch || sampleIndices.numel() != batch)
            throw new ArgumentException(
                $"Batch sizes differ: student {batch}, teacher {teacherFeature.shape[0]}, indices {sampleIndices.numel()}.");

        using var scope = NewDisposeScope();
        var indices = sampleIndices.reshape(-1).to_type(ScalarType.Int64).to(memory_v1.device);
        var student = EmbedStudent(studentFeature);
        var teacher = EmbedTeacher(teacherFeature);

        var world = Distributed.Communicator.World;
        var contrast = ContrastIndices(indices, world);
        var studentScores = Scores(student, memory_v2, contrast);
        var teacherScores = Scores(teacher, memory_v1, contrast);
        using (no_grad())
        {
            // Z from the first batch, positives included, as the reference; fixed afterwards. Under several ranks, the
            // mean over the global batch (every rank's slice is the same size), so every rank holds the same Z.
            if (NormalisationConstants is null)
                normalisation.copy_(MeanOverRanks(stack([studentScores.mean(), teacherScores.mean()]) * datasetSize, world));
        }
        var studentLoss = NceLoss(studentScores / normalisation[0].detach(), datasetSize);
        var teacherLoss = NceLoss(teacherScores / normalisation[1].detach(), datasetSize);

        using (no_grad())
        {
            // Every rank applies the whole global batch's update, so the memory banks stay identical across ranks.
            var allIndices = world.Size > 1 ? Distributed.TensorGather.Indices(indices, world) : indices;
            UpdateMemory(memory_v1, allIndices, world.Size > 1 ? Distributed.TensorGather.Rows(student, world) : student);
            UpdateMemory(memory_v2, allIndices, world.Size > 1 ? Distributed.TensorGather.Rows(teacher, world) : teacher);
        }
        return (weight * (studentLoss + teacherLoss)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The reference NCE loss for normalised scores <c>[B, 1 + K]</c> (positive first):
    /// <c>-(sum_b log(P_pos / (P_pos + K/N + eps)) + sum_{b,k} log((K/N) / (P_neg + K/N + eps))) / B</c>.
    /// </summary>
    /// <param name="scores">Normalised scores, positive in column 0.</param>
    /// <param name="datasetSize">Number of training samples <c>N</c> (noise probability <c>1/N</c>).</param>
    public static Tensor NceLoss(Tensor scores, long datasetSize)
    {
        using var scope = NewDisposeScope();
        var batch = scores.shape[0];
        var negativeCount = scores.shape[1] - 1;
        var noise = negativeCount / (double)datasetSize;
        var positive = scores.select(1, 0);
        var negative = scores.narrow(1, 1, negativeCount);
        var logPositive = (positive / (positive + (noise + NceEpsilon))).log();
        var logNegative = (noise / (negative + (noise + NceEpsilon))).log();
        return (-(logPositive.sum() + logNegative.sum()) / batch).MoveToOuterDisposeScope();
    }

    /// <summary>Positive index then <c>K</c> uniform draws from the other samples, <c>[B, 1 + K]</c>.</summary>
    internal Tensor ContrastIndices(Tensor indices) => ContrastIndices(indices, Distributed.SingleProcessCommunicator.Instance);

    private Tensor ContrastIndices(Tensor indices, Distributed.ICommunicator world)
    {
        var batch = indices.shape[0];
        // Under several ranks, rank 0 draws the negatives of the whole global batch, as one process would, and each rank
        // takes the rows of its own slice.
        var draws = world.Size > 1
            ? SharedDraws(batch * world.Size, world).narrow(0, world.Rank * batch, batch)
            : randint(0, datasetSize - 1, [batch, negatives], dtype: ScalarType.Int64, generator: generator);
        draws = draws.to(indices.device);
        // Shift draws at or above the positive by one: uniform over the N - 1 other samples.
        var positive = indices.unsqueeze(1);
        var others = draws + (draws >= positive).to_type(ScalarType.Int64);
        return cat([positive, others], 1);
    }

    /// <summary><c>exp(memory[idx[b, k]] . e_b / T)</c>, <c>[B, 1 + K]</c>; the memory is detached.</summary>
    private Tensor SharedDraws(long rows, Distributed.ICommunicator world)
    {
        var draws = world.IsRoot
            ? randint(0, datasetSize - 1, [rows, negatives], dtype: ScalarType.Int64, generator: generator).data<long>().ToArray()
            : new long[rows * negatives];
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(draws.AsSpan()).ToArray();
        world.Broadcast(bytes, root: 0);
        return tensor(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(bytes).ToArray(), [rows, negatives]);
    }

    private static Tensor MeanOverRanks(Tensor local, Distributed.ICommunicator world)
    {
        if (world.Size <= 1) return local;
        var values = local.to(CPU).to_type(ScalarType.Float64).data<double>().ToArray();
        world.AllReduceSum(values);
        return tensor(values.Select(v => v / world.Size).ToArray()).to_type(local.dtype).to(local.device);
    }

    private Tensor Scores(Tensor embeddings, Tensor memory, Tensor contrast)
    {
        var rows = memory.index_select(0, contrast.reshape(-1)).detach().reshape(contrast.shape[0], contrast.shape[1], -1);
        return (rows.bmm(embeddings.unsqueeze(2)).squeeze(2) / temperature).exp();
    }

    private void UpdateMemory(Tensor memory, Tensor indices, Tensor embeddings)
    {
        var mixed = memory.index_select(0, indices) * momentum + embeddings.detach() * (1 - momentum);
        var updated = mixed / mixed.pow(2).sum(1, keepdim: true).sqrt();
        memory.index_copy_(0, indices, updated);
    }

    private static Tensor Embed(Linear head, Tensor feature)
    {
        // Plain division by the norm, as the reference's Normalize (no eps).
        var projected = head.call(feature.reshape(feature.shape[0], -1));
        return projected / projected.pow(2).sum(1, keepdim: true).sqrt();
    }

    /// <inheritdoc />
    protected override void _toEpilog(ScalarType? dtype, Device? device, bool non_blocking)
    {
        base._toEpilog(dtype, device, non_blocking);
        // Module.to replaces registered buffers; keep the fields pointing at the live tensors.
        var buffers = named_buffers(recurse: false).ToDictionary(b => b.name, b => b.buffer);
        memory_v1 = buffers[nameof(memory_v1)];
        memory_v2 = buffers[nameof(memory_v2)];
        normalisation = buffers[nameof(normalisation)];
    }
}
