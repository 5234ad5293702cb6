using FofaDsl.Methods;
using FofaDsl.Training;

namespace FofaDsl.Hosting;

/// <summary>
/// One declared way of training the student: a column of the results table and a value of
/// <c>--methods</c>. The source generator emits one per method attribute (or group of combined
/// loss terms) on the experiment class.
/// </summary>
/// <param name="Name">Command-line name, e.g. <c>kd</c>, <c>fofa</c> or <c>kd+fitnet</c>; output folders use it.</param>
/// <param name="DisplayName">How every report shows the run: its name, then what sets it apart from the full method, e.g. "kd (Logit KD)", "raa (FOFA without prompts)".</param>
/// <param name="NeedsTeacher">Whether the step distils from the teacher (false for plain supervised training).</param>
/// <param name="CreateStep">Builds the training step over a fresh student (and the trained teacher when it needs one).</param>
public sealed record MethodDefinition(string Name, string DisplayName, bool NeedsTeacher, Func<MethodContext, ITrainingStep> CreateStep);
