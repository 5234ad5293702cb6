using System.Text;

namespace FofaDsl.Weights;

/// <summary>
/// Writes the one message that lists every key problem of a failed load, grouped, counted and
/// followed by the fixes that fit them.
/// </summary>
internal static class WeightLoadMessage
{
    /// <summary>How many entries of each group are listed before "... and N more".</summary>
    public const int ListedPerGroup = 20;

    /// <summary>The message for a load that <paramref name="match"/> forbids.</summary>
    public static string Build(
        string filePath,
        string modelName,
        StateDictMatch match,
        WeightLoadOptions options,
        IReadOnlyCollection<string> modelKeys)
    {
        var text = new StringBuilder();
        text.Append($"Cannot load '{filePath}' into {modelName}: ");
        text.Append($"{match.MissingKeys.Count} missing, {match.UnexpectedKeys.Count} unexpected, ");
        text.Append($"{match.ShapeMismatches.Count} shape mismatch(es)");
        if (match.CollidingKeys.Count > 0) text.Append($", {match.CollidingKeys.Count} colliding");
        text.AppendLine(". Nothing was copied; the model is unchanged.");

        AppendGroup(text, "Missing: the model has these keys, the file does not", match.MissingKeys);
        AppendGroup(text, "Unexpected: the file has these keys, the model does not", match.UnexpectedKeys);
        AppendGroup(text, "Shape mismatches", match.ShapeMismatches.Select(m => m.ToString()).ToList());
        AppendGroup(text, "Colliding: several file keys were renamed to these names", match.CollidingKeys);

        var fixes = Fixes(match, options, modelKeys).ToList();
        if (fixes.Count > 0)
        {
            text.AppendLine("How to fix:");
            foreach (var fix in fixes) text.AppendLine($"  - {fix}");
        }
        return text.ToString().TrimEnd();
    }

    private static void AppendGroup(StringBuilder text, string title, IReadOnlyList<string> entries)
    {
        if (entries.Count == 0) return;
        text.AppendLine($"{title} ({entries.Count}):");
        foreach (var entry in entries.Take(ListedPerGroup)) text.AppendLine($"  {entry}");
        if (entries.Count > ListedPerGroup) text.AppendLine($"  ... and {entries.Count - ListedPerGroup} more");
    }

    private static IEnumerable<string> Fixes(StateDictMatch match, WeightLoadOptions options, IReadOnlyCollection<string> modelKeys)
    {
        var prefixes = options.ClassifierPrefixes;
        bool IsHead(string key) => StateDictMatch.IsClassifierKey(key, prefixes);

        // A wrapper prefix makes every key look missing, the head's included: then the prefix is the fix.
        var wrapper = LikelyWrapperPrefix(match.UnexpectedKeys, modelKeys);
        var headInvolved = match.ShapeMismatches.Any(m => IsHead(m.Name)) || (wrapper is null && match.MissingKeys.Any(IsHead));
        if (headInvolved && !options.SkipClassifier)
        {
            yield return "The classifier differs (another class count, or no head in the file): pass SkipClassifier = true " +
                         "to drop a head of another class count; the model keeps its own initialised head.";
        }

        if (wrapper is not null)
        {
            yield return $"File keys start with '{wrapper}' and match the model without it: pass StripPrefixes = [\"{wrapper}\"] " +
                         "(DistributedDataParallel, EMA and Lightning checkpoints wrap the model).";
        }

        var bodyMissing = match.MissingKeys.Count(k => !IsHead(k));
        var bodyUnexpected = match.UnexpectedKeys.Count(k => !IsHead(k));
        if (bodyMissing > 0 && bodyUnexpected > 0 && wrapper is null)
        {
            yield return "Some layers look renamed: use KeyMap for renamed layers (map each file name to the model's name; " +
                         "return null to drop a key).";
        }

        if (bodyMissing > 0 && bodyUnexpected == 0 && wrapper is null)
        {
            yield return "The file lacks layers the model has: it was saved from a smaller or different architecture; build the " +
                         "model with the checkpoint's options, or use KeyMap if those layers are stored under other names.";
        }

        if (match.ShapeMismatches.Any(m => !IsHead(m.Name)))
        {
            yield return "Shapes differ outside the classifier: the checkpoint is for another variant (width, depth, patch or " +
                         "image size); build the model with the options the checkpoint was trained with.";
        }

        if (match.UnexpectedKeys.Count > 0 && match.MissingKeys.Count == 0 && match.ShapeMismatches.Count == 0 && !headInvolved)
            yield return "Only extra keys remain: pass Strict = false to ignore keys the model does not have.";

        if (match.CollidingKeys.Count > 0)
            yield return "Check StripPrefixes and KeyMap: two file keys must not end up with the same name.";
    }

    /// <summary>
    /// The first name segment (e.g. <c>module.</c>) whose removal turns the most unexpected keys into model
    /// keys, when it fixes at least half of the keys carrying it; null when none does.
    /// </summary>
    private static string? LikelyWrapperPrefix(IReadOnlyList<string> unexpectedKeys, IReadOnlyCollection<string> modelKeys)
    {
        var modelKeySet = modelKeys as ISet<string> ?? modelKeys.ToHashSet(StringComparer.Ordinal);
        return unexpectedKeys
            .Where(k => k.Contains('.'))
            .GroupBy(k => k[..(k.IndexOf('.') + 1)], StringComparer.Ordinal)
            .Select(g => (Prefix: g.Key, Total: g.Count(), Fixed: g.Count(k => modelKeySet.Contains(k[g.Key.Length..]))))
            .Where(c => c.Fixed > 0 && 2 * c.Fixed >= c.Total)
            .OrderByDescending(c => c.Fixed)
            .Select(c => c.Prefix)
            .FirstOrDefault();
    }
}
