namespace FofaDsl.Generators.Model;

/// <summary>One run of the experiment: plain supervision, FOFA, or the cross-entropy plus one or more combined loss terms.</summary>
/// <param name="Name">Command-line name (<c>kd</c>, <c>kd+fitnet</c>).</param>
/// <param name="DisplayName">What the run is, against the full method (<c>Logit KD + FitNet</c>, <c>FOFA without prompts</c>).</param>
/// <param name="Kind">Scratch, Fofa or Terms.</param>
/// <param name="Terms">The loss terms of a Terms run, in declaration order.</param>
/// <param name="Fofa">The settings of a FOFA run.</param>
internal sealed record RunSpec(string Name, string DisplayName, RunKind Kind, EquatableArray<TermSpec> Terms, FofaSpec? Fofa = null)
{
    public bool NeedsTeacher => Kind != RunKind.Scratch;

    /// <summary>
    /// How the run is shown everywhere it appears (results table and CSV, epoch lines, plot legends, TensorBoard tags):
    /// its run name, which names its files and its <c>--methods</c> value, then what it is: <c>raa (FOFA without prompts)</c>.
    /// </summary>
    public string Label => $"{Name} ({DisplayName})";
}

/// <summary>What a run trains with.</summary>
internal enum RunKind
{
    Scratch,
    Fofa,
    Terms,
}

/// <summary>One loss term: the runtime term and options types and every resolved setting.</summary>
internal sealed record TermSpec(string Kind, string DisplayName, string TermType, string OptionsType, TermConstructor Constructor, EquatableArray<SettingSpec> Settings);

/// <summary>A resolved setting: the literal written into the options initializer and, for numbers, its value (for checks such as "every weight is zero").</summary>
internal sealed record SettingSpec(string Name, string Literal, double Value);

/// <summary>What a term's constructor takes besides its options.</summary>
internal enum TermConstructor
{
    OptionsOnly,
    Models,
    ModelsAndSamples,
}
