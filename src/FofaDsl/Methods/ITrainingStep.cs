using FofaDsl.Backbones;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace FofaDsl.Methods;

/// <summary>
/// The method-specific part of training (supervised, logit KD, FOFA...): how a batch becomes a
/// loss and which parameters the optimizer updates. The loop, schedule and evaluation are shared.
/// </summary>
public interface ITrainingStep
{
    /// <summary>Human-readable name of the method, used in logs and reports.</summary>
    string MethodName { get; }

    /// <summary>The model that is trained and evaluated.</summary>
    StagedBackbone Student { get; }

    /// <summary>Parameters the optimizer updates; never a frozen teacher's.</summary>
    IEnumerable<Parameter> TrainableParameters();

    /// <summary>Moves every module the step uses (student, FOFA modules, a teacher it owns) to <paramref name="device"/>.</summary>
    void MoveTo(Device device);

    /// <summary>Switches the trainable modules between training and evaluation mode (a teacher stays in eval).</summary>
    void SetTraining(bool training);

    /// <summary>Computes the loss for one batch (images normalised, labels int64).</summary>
    StepOutput Compute(Tensor images, Tensor labels);

    /// <summary>
    /// Computes the loss for one batch whose images have dataset indices <paramref name="sampleIndices"/>
    /// (<c>[B]</c>, int64); the training loop calls this one. Methods that need no indices (all but
    /// CRD) keep the default, which ignores them.
    /// </summary>
    StepOutput Compute(Tensor images, Tensor labels, Tensor sampleIndices) => Compute(images, labels);

    /// <summary>
    /// Called by the training loop before the first batch of every epoch, also of the epoch a run
    /// resumes in the middle of. <paramref name="epoch"/> counts from 1, as <see cref="Training.EpochReport.Epoch"/>
    /// does. Steps whose loss depends on the epoch (DKD's warm-up) read it here; the default ignores it.
    /// </summary>
    /// <param name="epoch">The epoch that starts, 1 for the first.</param>
    void BeginEpoch(int epoch) { }

    /// <summary>Modules whose weights and buffers a checkpoint holds (the student and the method's own modules).</summary>
    IReadOnlyList<nn.Module> StatefulModules { get; }

    /// <summary>Writes state beyond weights that the next step depends on (FOFA's feedback); none by default.</summary>
    void SaveState(BinaryWriter writer) { }

    /// <summary>
    /// Called on every rank just before a checkpoint is written (by rank 0 alone), so that state each rank holds for its
    /// own slice of the batch (FOFA's feedback) can be gathered into the checkpoint; nothing by default.
    /// </summary>
    void PrepareCheckpoint() { }

    /// <summary>Restores what <see cref="SaveState"/> wrote.</summary>
    void LoadState(BinaryReader reader) { }
}
