using System.Globalization;

namespace FofaDsl.Methods;

/// <summary>Range checks shared by the terms' options; each names the setting and the valid range.</summary>
internal static class TermOptionChecks
{
    /// <summary>A loss weight: finite and at least 0.</summary>
    public static void Weight(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentException(Format($"{name} = {value} is out of range: it must be a finite number >= 0."), name);
    }

    /// <summary>A temperature, eps or kernel width: finite and above 0.</summary>
    public static void Positive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new ArgumentException(Format($"{name} = {value} is out of range: it must be a finite number > 0."), name);
    }

    /// <summary>A count or width: at least <paramref name="minimum"/>.</summary>
    public static void AtLeast(int value, int minimum, string name)
    {
        if (value < minimum)
            throw new ArgumentException(Format($"{name} = {value} is out of range: it must be an integer >= {minimum}."), name);
    }

    /// <summary>A share in <c>[0, 1]</c>.</summary>
    public static void UnitInterval(double value, string name)
    {
        if (!(value >= 0 && value <= 1))
            throw new ArgumentException(Format($"{name} = {value} is out of range: it must lie in [0, 1]."), name);
    }

    private static string Format(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
