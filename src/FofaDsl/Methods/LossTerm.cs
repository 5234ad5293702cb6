using static TorchSharp.torch;

namespace FofaDsl.Methods;

/// <summary>One named, already weighted term of a training loss, kept apart for logging and NaN checks.</summary>
public readonly record struct LossTerm(string Name, Tensor Value);
