namespace FofaDsl.Methods;

/// <summary>Checks a list of 1-based stage numbers chosen for a feature baseline.</summary>
internal static class FitNetStageList
{
    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="stages"/> is a non-empty list of distinct stages in 1..4.</summary>
    public static void Validate(IReadOnlyList<int> stages, string parameterName)
    {
        if (stages.Count == 0 || stages.Any(s => s is < 1 or > 4) || stages.Distinct().Count() != stages.Count)
            throw new ArgumentException($"Stages [{string.Join(", ", stages)}] must be distinct stage numbers in 1..4, at least one.", parameterName);
    }
}
