namespace FofaDsl.Tests;

/// <summary>
/// TorchSharp keeps process-wide state (the global seed, the thread count): every test that
/// seeds or depends on it joins this collection, which xunit runs serially.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "Torch global state";
}
