namespace FofaDsl;

/// <summary>
/// A FOFA run: region-aware attention (RAA) on the student side and adaptive feedback prompts (AFP)
/// on the teacher side, with these settings. FOFA's loss weights and temperature are those of
/// <see cref="LossWeightsAttribute"/>. A FOFA run does not combine with other methods. Declare several
/// <c>[Fofa]</c> attributes with different <see cref="Run"/> names for an ablation table, e.g.
/// <c>[Fofa] [Fofa(Run = "fofa-no-raa", RegionAwareAttention = false)]</c>; the results table names each
/// later run by how it differs from the first ("FOFA (no RAA)").
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FofaAttribute : Attribute
{
    /// <summary>
    /// Name of this run (lower-case letters, digits, '+', '-', '_'): the value of <c>--methods</c> and the
    /// name of its output files. Default <c>fofa</c>; each [Fofa] of an experiment needs its own.
    /// </summary>
    public string? Run { get; set; }

    /// <summary>RAA queries N in total; N/4 must be a perfect square g*g (each stage gives a g x g grid). Default 64.</summary>
    public int Queries { get; set; } = 64;

    /// <summary>RAA token width d; must be divisible by <see cref="Heads"/>. Default 512.</summary>
    public int TokenWidth { get; set; } = 512;

    /// <summary>RAA attention heads. Default 8.</summary>
    public int Heads { get; set; } = 8;

    /// <summary>Teacher stages (1..4, each at most once) that get a prompt block before them. Default all four.</summary>
    public int[] PromptStages { get; set; } = [1, 2, 3, 4];

    /// <summary>Ablation switch: region-aware attention on (default) or off (each stage aligned on its own).</summary>
    public bool RegionAwareAttention { get; set; } = true;

    /// <summary>Ablation switch: teacher prompts on (default) or off.</summary>
    public bool Prompts { get; set; } = true;

    /// <summary>Ablation switch: feed the previous step's student-teacher gap into the prompts (default) or not.</summary>
    public bool Feedback { get; set; } = true;

    /// <summary>
    /// Reproduce the four quirks of the authors' reference code (SE returns only its gate,
    /// position code indexed by batch, last token dropped as class token, prompt output reshaped
    /// to tokens without permuting back). Off by default.
    /// </summary>
    public bool ReferenceCodeQuirks { get; set; }

    /// <summary>
    /// Weight of this run's feature loss, in place of <see cref="LossWeightsAttribute.Feature"/> (which applies when it
    /// is not set), e.g. a smaller one for short schedules, where the feature loss of raw teacher features can outweigh
    /// the cross-entropy. Not negative.
    /// </summary>
    public double FeatureWeight { get; set; } = double.NaN;

    /// <summary>
    /// Epochs over which the feature loss is brought in: epoch <c>e</c> (from 1) scales it by <c>min(e / FeatureWarmupEpochs, 1)</c>,
    /// as DKD's warm-up does. 0, the default (and the authors' code), scales nothing.
    /// </summary>
    public int FeatureWarmupEpochs { get; set; }

    /// <summary>
    /// Recompute the prompted teacher's stages in the backward pass instead of keeping their activations (activation
    /// checkpointing). The gradients are the same; memory falls by most of a teacher's activations, for one more teacher
    /// forward per step. On by default; false trades the memory back for that time.
    /// </summary>
    public bool RecomputeTeacher { get; set; } = true;
}
