namespace FofaDsl.Generators.Model;

/// <summary>A user's module read through taps: its type, how to construct it, and the tapped member of each stage 1..4.</summary>
internal sealed record TapSpec(string ModelType, bool ParameterlessConstructor, EquatableArray<string> Members);
