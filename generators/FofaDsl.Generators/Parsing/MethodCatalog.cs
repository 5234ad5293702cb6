using System.Linq;
using FofaDsl.Generators.Model;

namespace FofaDsl.Generators.Parsing;

/// <summary>
/// The comparison methods that are loss terms: their attribute, runtime term and options types, and
/// each setting with its default and rule. Setting names are the same in the attribute and the options.
/// </summary>
internal static class MethodCatalog
{
    /// <summary>Each method's term and options live in <c>FofaDsl.Methods.&lt;Method&gt;</c>.</summary>
    private static string Method(string folder, string type) => "global::FofaDsl.Methods." + folder + "." + type;

    /// <summary>Logit KD's kind: a FOFA run has one, from <c>[LossWeights]</c> unless the run declares its own.</summary>
    public const string Kd = "kd";

    public static readonly MethodInfo[] Terms =
    {
        new(Kd, "FofaDsl.KdAttribute", "Logit KD", Method("Kd", "KdTerm"), Method("Kd", "KdOptions"), TermConstructor.OptionsOnly,
            Setting.Weight("Weight", 1), Setting.Positive("Temperature", 1)),
        new("dkd", "FofaDsl.DkdAttribute", "DKD", Method("Dkd", "DkdTerm"), Method("Dkd", "DkdOptions"), TermConstructor.OptionsOnly,
            Setting.Weight("Alpha", 1), Setting.Weight("Beta", 2), Setting.Positive("Temperature", 1), Setting.Epochs("WarmupEpochs")),
        new("dist", "FofaDsl.DistAttribute", "DIST", Method("Dist", "DistTerm"), Method("Dist", "DistOptions"), TermConstructor.OptionsOnly,
            Setting.Weight("Weight", 1), Setting.Weight("Beta", 1), Setting.Weight("Gamma", 1), Setting.Positive("Temperature", 1)),
        new("fitnet", "FofaDsl.FitNetAttribute", "FitNet", Method("FitNet", "FitNetTerm"), Method("FitNet", "FitNetOptions"), TermConstructor.Models,
            Setting.Weight("Weight", 1), Setting.Stages("Stages")),
        new("ofa", "FofaDsl.OfaAttribute", "OFA", Method("Ofa", "OfaTerm"), Method("Ofa", "OfaOptions"), TermConstructor.Models,
            Setting.Weight("Weight", 1), Setting.Positive("Eps", 1), Setting.Positive("Temperature", 1), Setting.Stages("Stages"), Setting.Flag("OfficialCodeForm")),
        new("cc", "FofaDsl.CcAttribute", "CC", Method("Cc", "CcTerm"), Method("Cc", "CcOptions"), TermConstructor.Models,
            Setting.Weight("Weight", 0.02), Setting.Count("EmbedDim", 128, 65536), Setting.Positive("Gamma", 0.4), Setting.Count("TaylorOrder", 2, 8)),
        new("rkd", "FofaDsl.RkdAttribute", "RKD", Method("Rkd", "RkdTerm"), Method("Rkd", "RkdOptions"), TermConstructor.OptionsOnly,
            Setting.Weight("DistanceWeight", 25), Setting.Weight("AngleWeight", 50), Setting.Positive("Eps", 1e-12)),
        new("crd", "FofaDsl.CrdAttribute", "CRD", Method("Crd", "CrdTerm"), Method("Crd", "CrdOptions"), TermConstructor.ModelsAndSamples,
            Setting.Weight("Weight", 0.8), Setting.Count("EmbedDim", 128, 65536), Setting.Count("Negatives", 16384, 1 << 24),
            Setting.Positive("Temperature", 0.07), Setting.Fraction("Momentum", 0.5)),
    };

    public static MethodInfo? FromAttribute(string? metadataName) => Terms.FirstOrDefault(t => t.AttributeName == metadataName);
}

/// <summary>One loss-term method of <see cref="MethodCatalog"/>.</summary>
internal sealed class MethodInfo
{
    public MethodInfo(string kind, string attributeName, string displayName, string termType, string optionsType, TermConstructor constructor, params Setting[] settings)
    {
        Kind = kind;
        AttributeName = attributeName;
        DisplayName = displayName;
        TermType = termType;
        OptionsType = optionsType;
        Constructor = constructor;
        Settings = settings;
    }

    public string Kind { get; }
    public string AttributeName { get; }
    public string DisplayName { get; }
    public string TermType { get; }
    public string OptionsType { get; }
    public TermConstructor Constructor { get; }
    public Setting[] Settings { get; }
}

/// <summary>A method setting: its name, default and the rule its values follow.</summary>
internal sealed class Setting
{
    private Setting(string name, SettingRule rule, double fallback, int maximum = 0, int minimum = 1, bool isEpochCount = false)
    {
        IsEpochCount = isEpochCount;
        Name = name;
        Rule = rule;
        Default = fallback;
        Maximum = maximum;
        Minimum = minimum;
    }

    public string Name { get; }
    public SettingRule Rule { get; }
    public double Default { get; }
    public int Maximum { get; }
    public int Minimum { get; }

    /// <summary>Whether the setting counts training epochs (a warm-up), so it is compared with the schedule's.</summary>
    public bool IsEpochCount { get; }

    /// <summary>Whether the setting scales the term's loss (a term with all its weights at 0 contributes nothing).</summary>
    public bool IsWeight => Rule == SettingRule.Weight;

    public static Setting Weight(string name, double fallback) => new(name, SettingRule.Weight, fallback);
    public static Setting Positive(string name, double fallback) => new(name, SettingRule.Positive, fallback);
    public static Setting Fraction(string name, double fallback) => new(name, SettingRule.Fraction, fallback);
    public static Setting Count(string name, int fallback, int maximum, int minimum = 1) => new(name, SettingRule.Count, fallback, maximum, minimum);
    public static Setting Epochs(string name) => new(name, SettingRule.Count, 0, 100_000, minimum: 0, isEpochCount: true);
    public static Setting Stages(string name) => new(name, SettingRule.Stages, 0);
    public static Setting Flag(string name) => new(name, SettingRule.Flag, 0);
}

internal enum SettingRule
{
    /// <summary>Finite and non-negative.</summary>
    Weight,
    /// <summary>Finite and positive.</summary>
    Positive,
    /// <summary>In [0, 1).</summary>
    Fraction,
    /// <summary>An integer from the minimum (1 unless given) to the maximum.</summary>
    Count,
    /// <summary>Stage numbers 1..4, each at most once, at least one.</summary>
    Stages,
    /// <summary>A bool.</summary>
    Flag,
}
