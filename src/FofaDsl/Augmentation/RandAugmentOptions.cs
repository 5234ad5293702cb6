using System.Globalization;

namespace FofaDsl.Augmentation;

/// <summary>
/// RandAugment settings with timm's defaults: 2 ops per image drawn with replacement from the
/// standard list, each applied with probability 0.5 at a magnitude drawn from
/// <c>N(Magnitude, MagnitudeStd)</c> clipped to <c>[0, MagnitudeMax]</c>.
/// </summary>
public sealed record RandAugmentOptions
{
    /// <summary>Ops applied in turn to each image (timm's <c>n</c>, <c>num_layers</c>).</summary>
    public int OpsPerImage { get; init; } = 2;

    /// <summary>Magnitude on timm's 0 to 10 scale (<c>m</c>).</summary>
    public double Magnitude { get; init; } = 9;

    /// <summary>Standard deviation of the per-application magnitude noise (<c>mstd</c>); 0 keeps it fixed, infinity draws uniformly from <c>[0, Magnitude]</c>.</summary>
    public double MagnitudeStd { get; init; } = 0.5;

    /// <summary>Upper clip of the noisy magnitude (<c>mmax</c>, default <see cref="RandAugmentLevels.LevelDenominator"/>).</summary>
    public double MagnitudeMax { get; init; } = RandAugmentLevels.LevelDenominator;

    /// <summary>Probability that a chosen op is applied (timm's <c>rand_augment_ops</c> uses 0.5).</summary>
    public double ApplyProbability { get; init; } = 0.5;

    /// <summary>Largest translation as a fraction of the side (timm's <c>translate_pct</c>).</summary>
    public double TranslatePercent { get; init; } = RandAugmentLevels.DefaultTranslatePercent;

    /// <summary>The ops to choose from; timm's <c>_RAND_TRANSFORMS</c> by default.</summary>
    public IReadOnlyList<RandAugmentOp> Ops { get; init; } = Enum.GetValues<RandAugmentOp>();

    /// <summary>
    /// Reads a timm config string such as <c>"rand-m9-mstd0.5"</c> (sections <c>m</c>, <c>n</c>,
    /// <c>mstd</c>, <c>mmax</c>; <c>mstd</c> above 100 means uniform sampling as in timm).
    /// </summary>
    /// <exception cref="FormatException">The string does not start with <c>rand</c> or has an unsupported section (<c>w</c>, <c>inc1</c>).</exception>
    public static RandAugmentOptions FromTimmConfig(string config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var sections = config.Split('-');
        if (sections[0] != "rand")
            throw new FormatException($"A RandAugment config starts with 'rand'; got '{config}'.");

        var options = new RandAugmentOptions();
        foreach (var section in sections.Skip(1))
        {
            int digits = section.IndexOfAny("0123456789".ToCharArray());
            if (digits <= 0)
                throw new FormatException($"Section '{section}' of '{config}' has no key and value.");
            string key = section[..digits];
            double value = double.Parse(section[digits..], CultureInfo.InvariantCulture);
            options = key switch
            {
                "m" => options with { Magnitude = value },
                "n" => options with { OpsPerImage = (int)value },
                "mstd" => options with { MagnitudeStd = value > 100 ? double.PositiveInfinity : value },
                "mmax" => options with { MagnitudeMax = value },
                "inc" when value == 0 => options,
                _ => throw new FormatException($"Section '{section}' of '{config}' is not supported (only m, n, mstd, mmax, inc0)."),
            };
        }
        return options;
    }
}
