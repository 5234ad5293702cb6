using static TorchSharp.torch;

namespace FofaDsl.Methods;

/// <summary>What one training step computes: the loss to back-propagate, its terms and the student's logits.</summary>
public sealed record StepOutput(Tensor Total, IReadOnlyList<LossTerm> Terms, Tensor StudentLogits);
