using FofaDsl.Training;
using TorchSharp;

namespace FofaDsl.Methods;

/// <summary>
/// One loss term of a distillation method (FOFA, KD, DKD, DIST, FitNet, OFA, CC, RKD, CRD), added to the
/// student's cross-entropy by a <see cref="DistillationStep"/>. Terms compose: a step may hold several,
/// e.g. KD and FitNet, each with its own weight.
/// </summary>
public interface IDistillationTerm
{
    /// <summary>Short name of the method the term implements, e.g. <c>kd</c> or <c>crd</c>.</summary>
    string Name { get; }

    /// <summary>Whether the term reads the teacher's outputs (true for every comparison method).</summary>
    bool NeedsTeacher => true;

    /// <summary>Whether the term reads <see cref="DistillationInputs.SampleIndices"/> (CRD's memory bank).</summary>
    bool NeedsSampleIndices => false;

    /// <summary>
    /// The term's own trainable or stateful modules (regressors, OFA branches, embedding heads, memory
    /// banks): trained with the student, saved in checkpoints and moved to the device with
    /// <c>Module.to</c>. A module holding a non-persistent buffer must move it itself (TorchSharp 0.107's
    /// <c>Module.to</c> skips those; see <c>NonPersistentBuffer</c>).
    /// </summary>
    IReadOnlyList<torch.nn.Module> Modules { get; }

    /// <summary>
    /// Told by <see cref="DistillationStep"/> which epoch starts (1 for the first), before its first
    /// batch; terms whose weight follows the epoch (DKD's warm-up) read it here. Nothing by default.
    /// </summary>
    /// <param name="epoch">The epoch that starts, counted from 1.</param>
    void BeginEpoch(int epoch) { }

    /// <summary>The term's already weighted loss values for one batch (usually one; RKD gives two).</summary>
    /// <param name="inputs">Student and teacher outputs, hard labels and sample indices.</param>
    IEnumerable<LossTerm> Compute(DistillationInputs inputs);

    /// <summary>Writes state beyond the modules' weights that the next step depends on (FOFA's feedback); none by default.</summary>
    /// <param name="writer">The checkpoint being written.</param>
    void SaveState(BinaryWriter writer) { }

    /// <summary>Called on every rank before a checkpoint is written; see <see cref="ITrainingStep.PrepareCheckpoint"/>.</summary>
    void PrepareCheckpoint() { }

    /// <summary>Restores what <see cref="SaveState"/> wrote.</summary>
    /// <param name="reader">The checkpoint being read.</param>
    void LoadState(BinaryReader reader) { }
}
