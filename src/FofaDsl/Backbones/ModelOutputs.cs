using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>Everything one forward pass of a model gives the distillation terms.</summary>
/// <param name="Logits">Class logits <c>[B, classes]</c>.</param>
/// <param name="Stages">The four stage outputs, stage 1 first (spatial <c>[B, C, H, W]</c> or tokens <c>[B, L, D]</c>).</param>
/// <param name="Embedding">
/// The pooled features the classifier reads, <c>[B, EmbeddingWidth]</c> (see
/// <see cref="Backbones.StagedBackbone.ForwardEmbedding"/>); CC, RKD and CRD compare these.
/// </param>
public sealed record ModelOutputs(Tensor Logits, IReadOnlyList<Tensor> Stages, Tensor Embedding);
