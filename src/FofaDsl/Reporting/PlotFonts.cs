using SkiaSharp;

namespace FofaDsl.Reporting;

/// <summary>
/// Makes text render in ScottPlot where SkiaSharp sees no system fonts: the Linux
/// <c>NoDependencies</c> native library has no fontconfig, so without this a chart has lines
/// but no title, labels or tick numbers.
/// </summary>
internal static class PlotFonts
{
    private const string FamilyName = "FofaDsl Sans";

    // Regular and bold faces of common sans fonts, by platform; the first pair found is used.
    private static readonly (string Regular, string Bold)[] Candidates =
    [
        ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
        ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
        ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
        ("arial.ttf", "arialbd.ttf"),
        ("Arial.ttf", "Arial Bold.ttf"),
    ];

    private static readonly Lazy<bool> Registered = new(Register);

    /// <summary>True when charts can draw text (system fonts are visible or a font file was registered).</summary>
    public static bool EnsureRegistered() => Registered.Value;

    private static bool Register()
    {
        // A SkiaSharp that sees the system's fonts (Windows, macOS, Linux with fontconfig) needs nothing.
        if (!string.IsNullOrEmpty(SKTypeface.Default.FamilyName))
            return true;

        var directories = FontDirectories().Where(Directory.Exists).ToArray();
        foreach (var (regular, bold) in Candidates)
        {
            string? regularPath = FindFile(directories, regular);
            if (regularPath is null)
                continue;
            string boldPath = FindFile(directories, bold) ?? regularPath;
            ScottPlot.Fonts.AddFontFile(FamilyName, regularPath, bold: false, italic: false);
            ScottPlot.Fonts.AddFontFile(FamilyName, boldPath, bold: true, italic: false);
            ScottPlot.Fonts.Default = FamilyName;
            return true;
        }
        return false;
    }

    private static IEnumerable<string> FontDirectories()
    {
        yield return "/usr/share/fonts";
        yield return "/usr/local/share/fonts";
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home))
        {
            yield return Path.Combine(home, ".fonts");
            yield return Path.Combine(home, ".local", "share", "fonts");
        }
        string windowsFonts = Environment.GetFolderPath(Environment.SpecialFolder.Fonts);
        if (!string.IsNullOrEmpty(windowsFonts))
            yield return windowsFonts;
        yield return "/Library/Fonts";
        yield return "/System/Library/Fonts/Supplemental";
    }

    private static string? FindFile(string[] directories, string fileName)
    {
        foreach (string directory in directories)
        {
            try
            {
                string? found = Directory.EnumerateFiles(directory, fileName, SearchOption.AllDirectories).FirstOrDefault();
                if (found is not null)
                    return found;
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                // An unreadable font folder only means fewer candidates.
            }
        }
        return null;
    }
}
