using FofaDsl.Generators.Model;
using static FofaDsl.Generators.Emitting.Literals;

namespace FofaDsl.Generators.Emitting;

/// <summary>Writes the <c>Definition</c> the host runs: names, model factories, one method per run, settings.</summary>
internal static class DefinitionEmitter
{
    public static void EmitDefinition(SourceWriter w, ExperimentSpec spec)
    {
        w.Line("/// <summary>Everything the host needs to run this experiment.</summary>");
        w.Line("public static global::FofaDsl.Hosting.ExperimentDefinition Definition => new()");
        w.Line("{");
        w.Line($"    Name = Spec.Name,");
        w.Line($"    Seed = Spec.Seed,");
        w.Line($"    Fingerprint = Spec.Fingerprint,");
        if (spec.Teacher is not null) w.Line("    TeacherDescription = Spec.Teacher,");
        w.Line("    StudentDescription = Spec.Student,");
        if (spec.Teacher is not null) w.Line("    CreateTeacher = CreateTeacher,");
        w.Line("    CreateStudent = CreateStudent,");
        w.Line("    Methods =");
        w.Line("    [");
        foreach (var run in spec.Runs)
            w.Line($"        new({String(run.Name)}, {String(run.Label)}, {Bool(run.NeedsTeacher)}, {RunEmitter.FactoryName(spec, run)}),");
        w.Line("    ],");
        w.Line("    Weights = CreateLossWeights(),");
        w.Line("    Schedule = CreateSchedule(),");
        w.Line($"    TeacherEpochs = Spec.TeacherEpochs,");
        w.Line("    Data = new global::FofaDsl.Hosting.DataSettings(Spec.Dataset, Spec.DataPath, Spec.ImageSize, Spec.TrainLimit, Spec.Classes, Spec.Augmentation),");
        w.Line($"    TeacherWeights = {String(spec.Teacher?.Weights)},");
        w.Line($"    StudentWeights = {String(spec.Student.Weights)},");
        w.Line("    Device = Spec.Device,");
        if (spec.Output is not null) w.Line("    OutputDirectory = Spec.Output,");
        w.Line("    CheckpointEverySteps = Spec.CheckpointEverySteps,");
        w.Line("};");
    }
}
