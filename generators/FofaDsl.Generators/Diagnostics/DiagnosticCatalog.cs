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
        "Method needs a teacher the experiment does not declare",
        "{1} distils from a teacher, but experiment '{0}' declares none",
        "Add [Teacher(Architecture.X, ...)] to the class, or keep only [Scratch] to train the student (or a future teacher) on its own.");

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
        "Model type is not a staged backbone or a tapped module",
        "'{0}' is {1}: distillation needs its four stages",
        "Derive the model from StagedBackbone with [StageGeometry], or keep a TorchSharp nn.Module<Tensor, Tensor> and declare its four stages with [Tap(role, stage, nameof(Model.member), ...)] on the experiment.");

    public static readonly DiagnosticDescriptor StageGeometryMissing = Error("FOFA015",
        "Model type declares no usable stage geometry",
        "'{0}' cannot be checked: {1}",
        "Put [StageGeometry(layout, Channels = new[] {...4...}, Strides = new[] {...4...}, StemChannels = ..., StemStride = ...)] on the model class.");

    public static readonly DiagnosticDescriptor ModelConstructorMissing = Error("FOFA016",
        "Model type lacks the expected constructor",
        "'{0}' has no public constructor (int numClasses, int imageSize, int inputChannels) for the generated program to call",
        "Add that constructor; the generated program passes the dataset's class count, the image size and the input channels (a module read through [Tap]s may have a parameterless one instead).");

    public static readonly DiagnosticDescriptor RunConflict = Error("FOFA017",
        "Methods cannot share the run",
        "{0} cannot be part of run '{1}': {2}",
        "Give the method its own run name with Run = \"...\", or remove the duplicate: a run has each method once (FOFA included: an ablation is a run of its own), and Scratch takes no terms.");

    public static readonly DiagnosticDescriptor ModelDataMismatch = Error("FOFA018",
        "Model and data disagree",
        "{0} is declared with {1} = {2}, but the data ({3}) has {4}",
        "Teacher and student see the data's images and are compared class by class: remove the setting to take the data's value, or use data that matches the model's weights (e.g. fine-tune the teacher on it first).");

    public static readonly DiagnosticDescriptor TapMemberInvalid = Error("FOFA019",
        "Tapped member is not a module of the model",
        "Tap of {0} stage {1}: {2}",
        "Tap a field or property of the model type that holds an nn.Module<Tensor, Tensor> (use nameof(Model.member) so renames are caught).");

    public static readonly DiagnosticDescriptor TapDeclaredTwice = Error("FOFA020",
        "Tap declared twice",
        "{0} {1} is tapped twice ({2})",
        "Tap each of the four stages exactly once, each with a different member.");

    public static readonly DiagnosticDescriptor TapsIncomplete = Error("FOFA021",
        "Taps do not describe the model",
        "Taps of {0}: {1}",
        "A model given as a plain TorchSharp module needs exactly one [Tap] per stage 1..4; built-in architectures and StagedBackbone types with [StageGeometry] declare their stages themselves and take no taps.");

    public static readonly DiagnosticDescriptor PromptsNeedStagedTeacher = Error("FOFA022",
        "FOFA prompts need a staged teacher",
        "FOFA inserts prompts before teacher stages {0}, but the teacher '{1}' is read through taps, which only observe stage outputs",
        "Set [Fofa(Prompts = false)] (or PromptStages = new int[0]) for a tapped teacher, or make the teacher a StagedBackbone.");

    public static readonly DiagnosticDescriptor RunTrainsNothing = Error("FOFA023",
        "Run trains nothing",
        "Run '{0}' has cross-entropy weight 0 and every loss weight of its terms at 0: nothing would be trained",
        "Give the cross-entropy ([LossWeights(CrossEntropy = ...)]) or one of the run's terms a positive weight.");

    public static readonly DiagnosticDescriptor TapGeometryMismatch = Error("FOFA024",
        "Tap geometry contradicts the model's code",
        "Tap of {0} stage {1} declares Channels = {2}, but '{3}' is built as {4}, which outputs {5} channels",
        "A tap's Channels is the width of the tapped member's output; the model's constructor states it. Set Channels to that value, or tap the member whose output is the stage.");

    public static readonly DiagnosticDescriptor WarmupLongerThanTraining = Warning("FOFA025",
        "Warm-up longer than the training",
        "{0} = {1} is longer than the {2} training epochs: the term never reaches its full weight (it ends at {2}/{1})",
        "A term's warm-up ramps its weight up over that many epochs; make it at most the schedule's Epochs, or train longer (--epochs at run time changes only the run).");

    public static readonly DiagnosticDescriptor LanguageVersionTooOld = Error("FOFA026",
        "C# version too old for the generated code",
        "Experiment '{0}' is compiled as C# {1}, but the code FofaDsl generates for it needs C# {2} or later",
        "Remove the LangVersion property from the project file (the .NET SDK default is new enough), or set it to 12 or later.");

    public static readonly DiagnosticDescriptor InternalError = Error("FOFA999",
        "FofaDsl generator failed",
        "The FofaDsl generator could not process '{0}': {1}",
        "This is a bug in FofaDsl; please report it with the declaration that triggers it.");
}
