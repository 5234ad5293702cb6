namespace FofaDsl.Generators.Parsing;

/// <summary>Metadata names of the DSL attributes in the FofaDsl runtime assembly.</summary>
internal static class AttributeNames
{
    public const string Experiment = "FofaDsl.ExperimentAttribute";
    public const string Teacher = "FofaDsl.TeacherAttribute";
    public const string Student = "FofaDsl.StudentAttribute";
    public const string Fofa = "FofaDsl.FofaAttribute";
    public const string LossWeights = "FofaDsl.LossWeightsAttribute";
    public const string Schedule = "FofaDsl.ScheduleAttribute";
    public const string Data = "FofaDsl.DataAttribute";
    public const string Scratch = "FofaDsl.ScratchAttribute";
    public const string Tap = "FofaDsl.TapAttribute";
}
