namespace FofaDsl.CodeFixes;

/// <summary>
/// IDs of the generator diagnostics that have a code fix. Kept as strings rather than read from the
/// generator's catalog: the two assemblies load separately (compiler and IDE), and the tests check
/// each ID against the diagnostic the real generator reports.
/// </summary>
internal static class DiagnosticIds
{
    /// <summary>Experiment class must be partial.</summary>
    public const string ClassNotPartial = "FOFA001";

    /// <summary>RAA query count N/4 is not a perfect square.</summary>
    public const string QueriesNotSquare = "FOFA004";

    /// <summary>Prompt stage outside 1..4 or repeated.</summary>
    public const string PromptStageInvalid = "FOFA005";

    /// <summary>Setting does not apply to the architecture.</summary>
    public const string KnobNotApplicable = "FOFA010";

    /// <summary>Tap geometry contradicts the model's code.</summary>
    public const string TapGeometryMismatch = "FOFA024";
}
