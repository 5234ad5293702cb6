using FofaDsl.Backbones;
using static TorchSharp.torch;

namespace FofaDsl.Methods;

/// <summary>What every distillation term of one training step reads.</summary>
/// <param name="Student">The student's outputs (with gradients).</param>
/// <param name="Teacher">The frozen teacher's outputs, computed under no-grad; null when the step has no teacher.</param>
/// <param name="Labels">
/// Hard class labels <c>[B]</c> (int64): the loader's labels, or the most likely class of mixup/cutmix
/// soft targets (<see cref="Methods.Targets.HardLabels"/>).
/// </param>
/// <param name="SampleIndices">Dataset index of each image of the batch <c>[B]</c> (int64), or null when the caller has none.</param>
/// <param name="Images">The batch's images <c>[B, C, H, W]</c>, for terms that run a model of their own on them (FOFA's prompted teacher); null when the caller has none.</param>
public sealed record DistillationInputs(ModelOutputs Student, ModelOutputs? Teacher, Tensor Labels, Tensor? SampleIndices, Tensor? Images = null)
{
    /// <summary>The teacher's outputs; throws naming <paramref name="term"/> when there are none.</summary>
    /// <param name="term">Name of the term asking, for the message.</param>
    public ModelOutputs RequireTeacher(string term) =>
        Teacher ?? throw new InvalidOperationException($"The '{term}' term distils from a teacher, but this step runs without one.");

    /// <summary>The sample indices; throws naming <paramref name="term"/> when there are none.</summary>
    /// <param name="term">Name of the term asking, for the message.</param>
    public Tensor RequireSampleIndices(string term) =>
        SampleIndices ?? throw new InvalidOperationException(
            $"The '{term}' term needs the dataset index of every image; call Compute(images, labels, sampleIndices) (the training loop does).");

    /// <summary>The images; throws naming <paramref name="term"/> when there are none.</summary>
    /// <param name="term">Name of the term asking, for the message.</param>
    public Tensor RequireImages(string term) =>
        Images ?? throw new InvalidOperationException($"The '{term}' term runs the teacher on the images themselves; pass them in DistillationInputs.Images (DistillationStep does).");
}
