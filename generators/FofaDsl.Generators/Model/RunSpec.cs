namespace FofaDsl.Generators.Model;

/// <summary>One run of the experiment: plain supervision, FOFA, or the cross-entropy plus one or more combined loss terms.</summary>
/// <param name="Name">Command-line name (<c>kd</c>, <c>kd+fitnet</c>).</param>
/// <param name="DisplayName">Name in reports (<c>Logit KD + FitNet</c>).</param>
/// <param name="Kind">Scratch, Fofa or Terms.</param>
/// <param name="Terms">The loss terms of a Terms run, in declaration order.</param>
/// <param name="Fofa">The settings of a FOFA run.</param>
internal sealed record RunSpec(string Name, string DisplayName, RunKind Kind, EquatableArray<TermSpec> Terms, FofaSpec? Fofa = null)
{
    public bool NeedsTeacher => Kind != RunKind.Scratch;
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
