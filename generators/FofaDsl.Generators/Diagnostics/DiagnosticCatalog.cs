using Microsoft.CodeAnalysis;

namespace FofaDsl.Generators.Diagnostics;

/// <summary>
/// Every diagnostic FofaDsl reports, in one place. Messages name the values involved;
/// descriptions say what to change.
/// </summary>
internal static class DiagnosticCatalog
{
    private const string Category = "FofaDsl";
    private const string HelpBase = "https://github.com/fofadsl/fofadsl/blob/main/docs/diagnostics.md#";

    private static DiagnosticDescriptor Error(string id, string title, string message, string help) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, description: help, helpLinkUri: HelpBase + id.ToLowerInvariant());

    private static DiagnosticDescriptor Warning(string id, string title, string message, string help) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, description: help, helpLinkUri: HelpBase + id.ToLowerInvariant());

    public static readonly DiagnosticDescriptor ClassNotPartial = Error("FOFA001",
        "Experiment class must be partial",
        "Experiment class '{0}' must be declared partial so that FofaDsl can add its generated members",
        "Add the 'partial' modifier to the class declaration.");

    public static readonly DiagnosticDescriptor TeacherMissing = Error("FOFA002",
        "Experiment has no teacher",
        "Experiment '{0}' declares no teacher; FOFA, logit KD and the comparison all distil from one",
        "Add [Teacher(Architecture.X, ...)] to the class.");

    public static readonly DiagnosticDescriptor StudentMissing = Error("FOFA003",
        "Experiment has no student",
        "Experiment '{0}' declares no student to train",
        "Add [Student(Architecture.X, ...)] to the class.");

    public static readonly DiagnosticDescriptor QueriesNotSquare = Error("FOFA004",
        "RAA query count N/4 is not a perfect square",
        "Queries = {0}: each of the 4 stages gets N/4 = {1} queries, which is not the square of an integer; use {2}",
        "N/4 must be g*g so each stage forms a g x g grid: valid N are 4, 16, 36, 64, 100, 144, ...");

    public static readonly DiagnosticDescriptor PromptStageInvalid = Error("FOFA005",
        "Prompt stage outside 1..4 or repeated",
        "PromptStages contains {0}: {1}",
        "List each teacher stage that gets a prompt block once, as a number from 1 to 4.");

    public static readonly DiagnosticDescriptor HeadsDoNotDivideWidth = Error("FOFA006",
        "Attention heads do not divide the width",
        "{0}: width {1} is not divisible by {2} heads",
        "Choose a head count that divides the width (e.g. width 512 with 8 heads).");

    public static readonly DiagnosticDescriptor ImageNotDivisible = Error("FOFA007",
        "Image size not divisible by a patch size or total stride",
        "{0}: image size {1} is not divisible by {2}, {3}",
        "Models that patchify or merge without padding need the image size to be a multiple of their largest stride: change [Data(ImageSize = ...)] or the patch size.");

    public static readonly DiagnosticDescriptor ValueOutOfRange = Error("FOFA008",
        "Setting out of range",
        "{0} = {1} is invalid: {2}",
        "Change the setting to a value inside the range the message gives.");

    public static readonly DiagnosticDescriptor LossWeightsAllZero = Error("FOFA009",
        "All loss weights are zero",
        "All four loss weights of '{0}' are zero: nothing would be trained",
        "Give at least one of CrossEntropy, LogitKd, Feature, PromptRegularisation a positive weight.");

    public static readonly DiagnosticDescriptor KnobNotApplicable = Error("FOFA010",
        "Setting does not apply to the architecture",
        "{0} does not apply to {1}: {2}",
        "Remove the setting, or choose an architecture that has it.");

    public static readonly DiagnosticDescriptor UnsupportedClassShape = Error("FOFA011",
        "Experiment class shape not supported",
        "Experiment class '{0}' is {1}; experiments must be non-generic top-level classes",
        "Move the experiment to a non-generic class declared directly in a namespace.");

    public static readonly DiagnosticDescriptor UnknownEnumValue = Error("FOFA012",
        "Unknown enum value",
        "{0} has no member with value {1}",
        "Use one of the named members of the enum.");

    public static readonly DiagnosticDescriptor GridLargerThanStage = Warning("FOFA013",
        "RAA grid larger than a student stage",
        "Student stage {0} is {1}x{2}, smaller than the RAA grid {3}x{3} (Queries = {4}); it will be upsampled before patchifying",
        "Lower Queries (e.g. 16 for a 2x2 grid per stage) or raise the image size if upsampling is not wanted.");

    public static readonly DiagnosticDescriptor ModelTypeNotBackbone = Error("FOFA014",
        "Model type is not a staged backbone",
        "'{0}' is not a FofaDsl.Backbones.StagedBackbone: FOFA needs its stem, four stages and head",
        "Derive the model from StagedBackbone (ForwardStem, ForwardStage(1..4), ForwardHead), or pick a built-in Architecture.");

    public static readonly DiagnosticDescriptor StageGeometryMissing = Error("FOFA015",
        "Model type declares no usable stage geometry",
        "'{0}' cannot be checked: {1}",
        "Put [StageGeometry(layout, Channels = new[] {...4...}, Strides = new[] {...4...}, StemChannels = ..., StemStride = ...)] on the model class.");

    public static readonly DiagnosticDescriptor ModelConstructorMissing = Error("FOFA016",
        "Model type lacks the expected constructor",
        "'{0}' has no public constructor (int numClasses, int imageSize, int inputChannels) for the generated program to call",
        "Add that constructor; the generated program passes the dataset's class count, the image size and the input channels.");

    public static readonly DiagnosticDescriptor InternalError = Error("FOFA999",
        "FofaDsl generator failed",
        "The FofaDsl generator could not process '{0}': {1}",
        "This is a bug in FofaDsl; please report it with the declaration that triggers it.");
}
